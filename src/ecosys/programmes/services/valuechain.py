"""Import an ecosystem's value chain (tiers -> activities -> HS codes) from a CSV file.

The file has three columns, ``tier, activity, hs_code`` (French or Arabic headers are accepted too),
one line per (activity, product). The import is all-or-nothing: every problem is reported with its
row and column, and nothing is written unless the whole file is right. Importing the same file twice
changes nothing; names in English and Arabic already set on matching tiers and activities are kept.
"""

from __future__ import annotations

import csv
import io

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ecosys.accounts.models import User
from ecosys.analytics.hs import is_known_hs_code, normalise_hs_code
from ecosys.core.errors import ValidationFailed
from ecosys.programmes.models import Activity, ActivityProduct, Ecosystem, ValueChainTier
from ecosys.programmes.selectors import ecosystem_check_editable

COLUMNS = ("tier", "activity", "hs_code")
HEADER_ALIASES = {
    "tier": "tier",
    "maillon": "tier",
    "niveau": "tier",
    "الحلقة": "tier",
    "activity": "activity",
    "activité": "activity",
    "activite": "activity",
    "النشاط": "activity",
    "hs_code": "hs_code",
    "hs": "hs_code",
    "code_sh": "hs_code",
    "code sh": "hs_code",
    "sh": "hs_code",
    "رمز النظام المنسق": "hs_code",
}
FILE_INVALID = _("The value chain file has errors; nothing was imported.")
FILE_EMPTY = _("The file has no rows.")
FILE_NOT_UTF8 = _("The file is not UTF-8 text.")
MISSING_COLUMN = _("Missing column: %(column)s (expected tier, activity, hs_code).")
VALUE_REQUIRED = _("A value is required.")
HS_UNKNOWN = _("Unknown HS code %(code)s (expected a 2, 4 or 6-digit HS 2012 code).")
HS_DUPLICATE = _("This HS code is already listed for this activity (row %(row)s).")


def _parse(raw: bytes | str) -> dict[str, dict[str, list[str]]]:
    """Return {tier: {activity: [hs codes]}} in file order, or raise with every row error."""
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationFailed(FILE_NOT_UTF8, field="file", code="file_encoding") from None
    else:
        text = raw.lstrip("\ufeff")
    sample = text[:2048]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, None)
    if header is None:
        raise ValidationFailed(FILE_EMPTY, field="file", code="file_empty")
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        key = HEADER_ALIASES.get(name.strip().lower())
        if key and key not in positions:
            positions[key] = index
    missing = [c for c in COLUMNS if c not in positions]
    if missing:
        details = [{"row": 1, "column": c, "message": MISSING_COLUMN % {"column": c}} for c in missing]
        raise ValidationFailed(FILE_INVALID, code="file_invalid", details=details)
    errors: list[dict[str, object]] = []
    chain: dict[str, dict[str, list[str]]] = {}
    seen: dict[tuple[str, str, str], int] = {}
    rows = 0
    for row_number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        rows += 1
        cells = {c: (row[positions[c]].strip() if positions[c] < len(row) else "") for c in COLUMNS}
        for column in COLUMNS:
            if not cells[column]:
                errors.append({"row": row_number, "column": column, "message": VALUE_REQUIRED})
        code = normalise_hs_code(cells["hs_code"])
        if code and not is_known_hs_code(code):
            errors.append({"row": row_number, "column": "hs_code", "message": HS_UNKNOWN % {"code": cells["hs_code"]}})
            continue
        if not all(cells.values()):
            continue
        row_key = (cells["tier"], cells["activity"], code)
        if row_key in seen:
            errors.append({"row": row_number, "column": "hs_code", "message": HS_DUPLICATE % {"row": seen[row_key]}})
            continue
        seen[row_key] = row_number
        chain.setdefault(cells["tier"], {}).setdefault(cells["activity"], []).append(code)
    if rows == 0:
        raise ValidationFailed(FILE_EMPTY, field="file", code="file_empty")
    if errors:
        raise ValidationFailed(FILE_INVALID, code="file_invalid", details=errors)
    return chain


def value_chain_replace(*, ecosystem: Ecosystem, chain: dict[str, dict[str, list[str]]]) -> dict[str, int]:
    """Make the ecosystem's value chain equal to ``chain``, touching only what differs."""
    counts = {"created": 0, "deleted": 0}
    tiers = {t.name_fr: t for t in ecosystem.tiers.all()}
    for name, tier in tiers.items():
        if name not in chain:
            tier.delete()
            counts["deleted"] += 1
    for t_pos, (tier_name, activities) in enumerate(chain.items(), start=1):
        found_tier = tiers.get(tier_name)
        if found_tier is None:
            tier = ValueChainTier.objects.create(ecosystem=ecosystem, name_fr=tier_name, position=t_pos)
            counts["created"] += 1
        else:
            tier = found_tier
        if tier.position != t_pos:
            ValueChainTier.objects.filter(pk=tier.pk).update(position=t_pos)
        existing = {a.name_fr: a for a in tier.activities.all()}
        for name, activity in existing.items():
            if name not in activities:
                activity.delete()
                counts["deleted"] += 1
        for a_pos, (activity_name, codes) in enumerate(activities.items(), start=1):
            found_activity = existing.get(activity_name)
            if found_activity is None:
                activity = Activity.objects.create(tier=tier, name_fr=activity_name, position=a_pos)
                counts["created"] += 1
            else:
                activity = found_activity
            if activity.position != a_pos:
                Activity.objects.filter(pk=activity.pk).update(position=a_pos)
            have = set(activity.products.values_list("hs_code", flat=True))
            gone = have - set(codes)
            if gone:
                counts["deleted"] += activity.products.filter(hs_code__in=gone).delete()[0]
            new = [ActivityProduct(activity=activity, hs_code=c) for c in codes if c not in have]
            ActivityProduct.objects.bulk_create(new)
            counts["created"] += len(new)
    return counts


@transaction.atomic
def value_chain_import(*, actor: User, ecosystem: Ecosystem, file: bytes | str) -> dict[str, int]:
    """Replace the ecosystem's value chain by the file's; return how many rows were created and deleted."""
    ecosystem_check_editable(actor=actor, ecosystem=ecosystem)
    chain = _parse(file)
    counts = value_chain_replace(ecosystem=ecosystem, chain=chain)
    if counts["created"] or counts["deleted"]:
        ecosystem._change_reason = _("value chain imported from a file")  # type: ignore[attr-defined]
        ecosystem.save(update_fields=["updated_at"])
    return counts
