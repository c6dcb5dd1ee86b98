"""Candidate ecosystems: communities of the product space, ranked around the country's strengths.

**The graph.** Products are nodes; links are either given (the Atlas product space's edges, shipped
as ``trade/data/top_edges_hs92.csv``, each with weight 1 unless the file has a weight) or built from a
proximity matrix ``φ`` (:func:`ecosys.analytics.product_space.calc_proximity`) the way Hidalgo,
Klinger, Barabási & Hausmann (2007, "The Product Space Conditions the Development of Nations",
*Science* 317) drew the product space: the maximum spanning tree of ``φ``, which keeps every product
connected through its strongest links, plus every link with ``φ_pq >= threshold`` (0.55 in the
paper). The matrix is made symmetric with ``min(φ_pq, φ_qp)`` (the paper's proximity is the smaller
of the two conditional probabilities, so a symmetric matrix is unchanged); ``φ <= 0`` or NaN is no
link. A link's weight is its proximity. Products without any link are ``outside`` the graph.

**Communities.** Louvain modularity maximisation (Blondel, Guillaume, Lambiotte & Lefebvre 2008,
"Fast unfolding of communities in large networks", *J. Stat. Mech.* P10008), as networkx 3.6's
``louvain_communities`` runs it, with the link weights, a ``resolution`` ``γ`` (higher gives more,
smaller communities) and a ``seed``. Nodes are numbered in the order of the sorted product codes, so
a seed gives the same communities in every process (string hashing plays no part).

**Per community** ``k`` with products ``V_k``, present products ``P_k`` (``RCA >= 1``, i.e.
``M_cp = 1``) and absent ones ``A_k = V_k \\ P_k``; ``ω_p`` the country's density, ``m_p`` the
market (or potential) of ``p``, ``w_pq`` the link weights and ``s_p = Σ_q w_pq`` over all of ``p``'s
links:

* ``share_present_k = |P_k| / |V_k|``;
* ``mean_density_absent_k``: the mean of ``ω_p`` over the ``p ∈ A_k`` where it is known;
* ``market_absent_k = Σ_{p ∈ A_k} m_p`` over the known ``m_p`` (NaN without a market);
* the strength anchor ``anchor_k = Σ_{p ∈ A_k} Σ_{q ∈ P_k} w_pq / Σ_{p ∈ A_k} s_p``: the share of the
  absent products' links that lead to a product the country already makes *in the same
  community*, between 0 (the community's missing products hang on nothing the country does) and 1;
  NaN when nothing is absent;
* the score ``score_k = anchor_k · Σ_{p ∈ A_k} ω_p m_p`` (``m_p = 1`` without a market): the market
  of the missing products weighted by how close the country is to each (as
  :mod:`.import_substitution` weights imports by density), scaled by how much of that closeness
  lies inside the community. Terms with an unknown ``ω_p`` or ``m_p`` are left out; the score is
  NaN when no term is known and 0 when nothing is absent (nothing left to develop).

Communities with at least ``min_present`` present products are *eligible* ("around the country's
strengths") and ranked first by score, higher first, NaN last; the others follow, ranked the same
way. Ties go to the community whose smallest product code comes first.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import networkx as nx
import numpy as np
import scipy.sparse
import scipy.sparse.csgraph
from numpy.typing import ArrayLike, NDArray

from ecosys.analytics.opportunity.errors import (
    FloatArray,
    OpportunityInputError,
    as_array,
    as_codes,
    hs_code,
    require_length,
    require_non_negative,
)

HIDALGO_THRESHOLD = 0.55
EDGES_FILE = "trade/data/top_edges_hs92.csv"
LAYOUT_FILE = "trade/data/umap_layout_hs92.csv"
LAYOUT_COLUMNS = ("product_hs92_code", "product_space_x", "product_space_y", "product_space_cluster_name")

Edge = tuple[str, str, float]


def _read(path: Path | str | None, shipped: str) -> str:
    if path is None:
        return resources.files("ecosys.analytics").joinpath(shipped).read_text(encoding="utf-8-sig")
    return Path(path).read_text(encoding="utf-8-sig")


def _hs4(text: str, *, line: int, column: str) -> str:
    """Return a 4-digit HS92 code, its leading zeros restored (the shipped file has ``604`` for ``0604``)."""
    code = text.strip()
    if not code or not all("0" <= ch <= "9" for ch in code) or len(code) > 4:
        raise OpportunityInputError(
            "csv_bad_value", parameter="path", line=line, column=column, reason=f"{code!r} is not an HS 4-digit code"
        )
    return code.zfill(4)


def read_product_space_edges(path: Path | str | None = None) -> tuple[Edge, ...]:
    """Read product-space links as ``(code, code, weight)``, each pair once, sorted; default: the shipped file.

    The file has two code columns (the first two; the Atlas names them ``product_hs92_code_source``
    and ``product_hs92_code_target``) and may have a ``proximity`` or ``weight`` column; without one
    every weight is 1. The shipped file lists each of its 2,158 links in both directions; a pair
    given twice keeps its larger weight. Codes are 4-character strings (``"0604"``).
    """
    reader = csv.reader(io.StringIO(_read(path, EDGES_FILE)))
    header = next(reader, [])
    if len(header) < 2:
        raise OpportunityInputError("csv_missing_column", parameter="path", column="product code (two columns)")
    lowered = [name.strip().lower() for name in header]
    weight_at = next((i for i, name in enumerate(lowered) if name in ("proximity", "weight")), None)
    pairs: dict[tuple[str, str], float] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        cells = row + [""] * (len(header) - len(row))
        a = _hs4(cells[0], line=line, column=header[0])
        b = _hs4(cells[1], line=line, column=header[1])
        weight = 1.0
        if weight_at is not None:
            try:
                weight = float(cells[weight_at])
            except ValueError:
                weight = math.nan
            if not (math.isfinite(weight) and weight >= 0):
                raise OpportunityInputError(
                    "csv_bad_value",
                    parameter="path",
                    line=line,
                    column=header[weight_at],
                    reason=f"{cells[weight_at]!r} is not a number >= 0",
                )
        key = (min(a, b), max(a, b))
        pairs[key] = max(weight, pairs.get(key, weight))
    if not pairs:
        raise OpportunityInputError("csv_no_rows", parameter="path")
    return tuple((a, b, w) for (a, b), w in sorted(pairs.items()))


@dataclass(frozen=True, slots=True)
class ProductSpaceLayout:
    """The Atlas product space's 2-D position and cluster name of each HS92 4-digit product."""

    products: NDArray[np.str_]
    x: FloatArray
    y: FloatArray
    cluster: NDArray[np.str_]


def read_product_space_layout(path: Path | str | None = None) -> ProductSpaceLayout:
    """Read the layout CSV (columns of :data:`LAYOUT_COLUMNS`); default: the shipped file, 865 products."""
    reader = csv.DictReader(io.StringIO(_read(path, LAYOUT_FILE)))
    for column in LAYOUT_COLUMNS:
        if column not in (reader.fieldnames or ()):
            raise OpportunityInputError("csv_missing_column", parameter="path", column=column)
    code_column, x_column, y_column, cluster_column = LAYOUT_COLUMNS
    codes: list[str] = []
    xy: list[tuple[float, float]] = []
    clusters: list[str] = []
    for row in reader:
        line = reader.line_num
        code = _hs4(row[code_column] or "", line=line, column=code_column)
        if code in codes:
            raise OpportunityInputError("csv_duplicate_code", parameter="path", line=line, value=code)
        point: list[float] = []
        for column in (x_column, y_column):
            try:
                value = float(row[column] or "")
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                reason = f"{row[column]!r} is not a number"
                raise OpportunityInputError("csv_bad_value", parameter="path", line=line, column=column, reason=reason)
            point.append(value)
        codes.append(code)
        xy.append((point[0], point[1]))
        clusters.append((row[cluster_column] or "").strip())
    if not codes:
        raise OpportunityInputError("csv_no_rows", parameter="path")
    return ProductSpaceLayout(
        products=np.array(codes, dtype=str),
        x=np.array([p[0] for p in xy]),
        y=np.array([p[1] for p in xy]),
        cluster=np.array(clusters, dtype=str),
    )


@dataclass(frozen=True, slots=True)
class ProductCommunities:
    """Communities best first (index 0 = rank 1); per product, ``community`` is its index or -1 outside the graph.

    Per community: ``members`` (sorted codes), counts, ``share_present``, ``mean_density_absent``,
    ``market_absent``, ``anchor``, ``score`` and ``eligible`` (at least ``min_present`` present
    products); formulas in the module docstring. ``outside`` lists the products without a link;
    ``unknown_edge_products`` the codes of the edges that are not among the products (their links
    are left out).
    """

    products: NDArray[np.str_]
    community: NDArray[np.int64]
    members: tuple[tuple[str, ...], ...]
    n_products: NDArray[np.int64]
    n_present: NDArray[np.int64]
    share_present: FloatArray
    mean_density_absent: FloatArray
    market_absent: FloatArray
    anchor: FloatArray
    score: FloatArray
    eligible: NDArray[np.bool_]
    min_present: int
    outside: tuple[str, ...]
    unknown_edge_products: tuple[str, ...]
    n_links: int
    graph: str
    modularity: float


def _edges_from_list(
    edges: Iterable[Sequence[object]], index: dict[str, int]
) -> tuple[dict[tuple[int, int], float], list[str]]:
    links: dict[tuple[int, int], float] = {}
    unknown: set[str] = set()
    for number, edge in enumerate(edges, start=1):
        items = list(edge) if isinstance(edge, Sequence) and not isinstance(edge, str) else []
        a = hs_code(items[0]) if len(items) in (2, 3) else None
        b = hs_code(items[1]) if len(items) in (2, 3) else None
        try:
            weight = float(items[2]) if len(items) == 3 else 1.0  # type: ignore[arg-type]
        except (TypeError, ValueError):
            weight = math.nan
        if a is None or b is None or not (math.isfinite(weight) and weight >= 0):
            raise OpportunityInputError("bad_edge", parameter="edges", index=number, edge=edge)
        if a == b:
            raise OpportunityInputError("self_loop", parameter="edges", index=number, value=a)
        missing = [code for code in (a, b) if code not in index]
        if missing:
            unknown.update(missing)
            continue
        i, j = sorted((index[a], index[b]))
        links[(i, j)] = max(weight, links.get((i, j), weight))
    return links, sorted(unknown)


def _edges_from_proximity(
    proximity: ArrayLike, n: int, threshold: float, order: NDArray[np.intp]
) -> dict[tuple[int, int], float]:
    """Return the maximum spanning tree plus the links ``>= threshold``, between positions of ``order``."""
    phi = as_array(proximity, parameter="proximity", ndim=2)
    if phi.shape != (n, n):
        raise OpportunityInputError("not_square", parameter="proximity", n=n, reference="products", shape=phi.shape)
    require_non_negative(phi, parameter="proximity")
    phi = phi[np.ix_(order, order)]
    phi = np.fmin(phi, phi.T)
    phi = np.where(np.isfinite(phi) & (phi > 0), phi, 0.0)
    np.fill_diagonal(phi, 0.0)
    if not phi.any():
        return {}
    cost = np.triu(np.where(phi > 0, phi.max() + 1.0 - phi, 0.0), k=1)  # the lightest tree is the strongest
    tree = scipy.sparse.coo_array(scipy.sparse.csgraph.minimum_spanning_tree(cost))
    links = {(int(min(i, j)), int(max(i, j))): float(phi[i, j]) for i, j in zip(tree.row, tree.col, strict=True)}
    rows, cols = np.nonzero(np.triu((phi >= threshold) & (phi > 0), k=1))
    links.update({(int(i), int(j)): float(phi[i, j]) for i, j in zip(rows, cols, strict=True)})
    return links


def product_space_communities(
    products: ArrayLike,
    present: ArrayLike,
    density: ArrayLike,
    *,
    market: ArrayLike | None = None,
    edges: Iterable[Sequence[object]] | None = None,
    proximity: ArrayLike | None = None,
    threshold: float = HIDALGO_THRESHOLD,
    resolution: float = 1.0,
    seed: int = 0,
    min_present: int = 1,
) -> ProductCommunities:
    """Return the Louvain communities of the product space, ranked around the country's strengths.

    ``products`` are the codes that ``present``, ``density`` and ``market`` are aligned with:
    ``present`` is the country's row of ``M`` (or of RCA: ``>= 1`` means present; NaN absent),
    ``density`` its row of ``ω`` (:func:`ecosys.analytics.complexity.complexity_all`), ``market`` an
    optional market or potential per product (>= 0, NaN unknown). Give exactly one of ``edges``
    (``(code, code)`` or ``(code, code, weight)``, e.g. :func:`read_product_space_edges`) or
    ``proximity`` (``n x n``, aligned with ``products``; tree plus links ``>= threshold``). Every
    formula, the graph and the ranking are in the module docstring.
    """
    codes = as_codes(products)
    n = len(codes)
    rca = as_array(present, parameter="present", ndim=1)
    require_length(rca, n, parameter="present", reference="products")
    omega = as_array(density, parameter="density", ndim=1)
    require_length(omega, n, parameter="density", reference="products")
    m = np.ones(n) if market is None else as_array(market, parameter="market", ndim=1)
    require_length(m, n, parameter="market", reference="products")
    require_non_negative(m, parameter="market")
    for name, value, low, high in (("threshold", threshold, 0.0, 1.0), ("resolution", resolution, 1e-9, 1e9)):
        if not low <= float(value) <= high:
            raise OpportunityInputError("not_in_range", parameter=name, low=low, high=high, value=value)
    if int(min_present) != min_present or min_present < 0:
        raise OpportunityInputError("not_in_range", parameter="min_present", low=0, high="∞", value=min_present)
    if (edges is None) == (proximity is None):
        raise OpportunityInputError("edges_or_proximity", parameter="edges")
    # Work on the products sorted by code: node numbers, and so the seeded communities, then do not
    # depend on the order the products came in.
    given_order = [codes[i] for i in range(n)]
    by_code = np.array(sorted(range(n), key=given_order.__getitem__), dtype=np.intp)
    codes = [given_order[i] for i in by_code]
    is_present = np.nan_to_num(rca[by_code], nan=0.0) >= 1.0
    omega = np.where(np.isfinite(omega[by_code]), omega[by_code], np.nan)
    m = np.where(np.isfinite(m[by_code]), m[by_code], np.nan)

    unknown: list[str] = []
    if edges is not None:
        links, unknown = _edges_from_list(edges, {code: i for i, code in enumerate(codes)})
        graph = "links as given"
    else:
        links = _edges_from_proximity(proximity, n, float(threshold), by_code)  # type: ignore[arg-type]
        graph = f"maximum spanning tree of proximity plus links with proximity >= {float(threshold):g}"
    if not links:
        parameter = "edges" if edges is not None else "proximity"
        raise OpportunityInputError("no_graph", parameter=parameter, reference="products")

    g = nx.Graph()
    linked = sorted({i for pair in links for i in pair})
    g.add_nodes_from(linked)
    g.add_weighted_edges_from((i, j, w) for (i, j), w in sorted(links.items()))
    found = nx.community.louvain_communities(g, weight="weight", resolution=float(resolution), seed=int(seed))
    modularity = float(nx.community.modularity(g, found, weight="weight", resolution=float(resolution)))
    groups = sorted((sorted(group) for group in found), key=lambda group: codes[group[0]])

    strength = dict(g.degree(weight="weight"))
    label = np.full(n, -1, dtype=np.int64)
    for k, group in enumerate(groups):
        label[group] = k
    rows: list[tuple[int, int, float, float, float, float]] = []
    for k, group in enumerate(groups):
        members = np.array(group)
        absent = members[~is_present[members]]
        n_present = int(members.size - absent.size)
        inward = 0.0
        for p in absent:
            for q, data in g[p].items():
                if label[q] == k and is_present[q]:
                    inward += float(data["weight"])
        outward = sum(float(strength[p]) for p in absent)
        anchor = inward / outward if absent.size and outward > 0 else math.nan
        dens = omega[absent][~np.isnan(omega[absent])]
        mean_density = float(np.mean(dens)) if dens.size else math.nan
        market_known = m[absent][~np.isnan(m[absent])]
        market_absent = math.nan if market is None else (float(np.sum(market_known)) if market_known.size else math.nan)
        terms = omega[absent] * m[absent]
        terms = terms[~np.isnan(terms)]
        if not absent.size:
            score = 0.0
        elif not terms.size or math.isnan(anchor):
            score = math.nan
        else:
            score = anchor * float(np.sum(terms))
        rows.append((members.size, n_present, mean_density, market_absent, anchor, score))

    n_members = np.array([r[0] for r in rows], dtype=np.int64)
    n_present_k = np.array([r[1] for r in rows], dtype=np.int64)
    score_k = np.array([r[5] for r in rows])
    eligible = n_present_k >= int(min_present)
    missing = np.isnan(score_k)
    order = np.lexsort((np.arange(len(groups)), -np.where(missing, 0.0, score_k), missing, ~eligible))
    new_label = np.empty(len(groups), dtype=np.int64)
    new_label[order] = np.arange(len(groups))
    community = np.empty(n, dtype=np.int64)
    community[by_code] = np.where(label >= 0, new_label[np.maximum(label, 0)], -1)
    return ProductCommunities(
        products=np.array(given_order, dtype=str),
        community=community,
        members=tuple(tuple(codes[i] for i in groups[k]) for k in order),
        n_products=n_members[order],
        n_present=n_present_k[order],
        share_present=(n_present_k / n_members)[order],
        mean_density_absent=np.array([rows[k][2] for k in order]),
        market_absent=np.array([rows[k][3] for k in order]),
        anchor=np.array([rows[k][4] for k in order]),
        score=score_k[order],
        eligible=eligible[order],
        min_present=int(min_present),
        outside=tuple(codes[i] for i in range(n) if label[i] < 0),
        unknown_edge_products=tuple(unknown),
        n_links=len(links),
        graph=graph,
        modularity=modularity,
    )
