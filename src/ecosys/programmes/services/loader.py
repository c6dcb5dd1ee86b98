"""Load a programme (organisations, indicators, sector, ecosystems, contracts) from a YAML document.

The loader is idempotent: objects are matched by their natural keys (codes, acronyms, years) and
saved only when a value differs, so loading the same file twice writes nothing, not even history.
It never deletes: a programme file adds and updates, people remove through the application.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from ecosys.accounts.models import Organisation, User
from ecosys.accounts.services import organisation_create
from ecosys.core.errors import ValidationFailed
from ecosys.core.numbers import to_decimal
from ecosys.core.permissions import require
from ecosys.programmes.models import (
    Commitment,
    ContractParty,
    ContractSigning,
    Ecosystem,
    Indicator,
    PerformanceContract,
    Programme,
    Sector,
    SectorBaseline,
    Target,
)
from ecosys.programmes.services.targets import target_create
from ecosys.programmes.services.valuechain import value_chain_replace

FORMAT = "ecosys-programme/1"
BUNDLED_IMM = Path(__file__).resolve().parent.parent / "fixtures" / "imm.yaml"
LOAD_REASON = "chargement du fichier de programme"  # audit reasons are kept in French, the language of record
BAD_FORMAT = _("This is not an Ecosys programme file (format: ecosys-programme/1).")
UNKNOWN_REFERENCE = _("Unknown reference %(key)s.")
BAD_YAML = _("The file is not valid YAML: %(error)s")


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, state: str) -> None:
        bucket = self.created if state == "created" else self.updated
        if state in {"created", "updated"}:
            bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _same(current: Any, wanted: Any) -> bool:
    if isinstance(current, Decimal) or isinstance(wanted, Decimal):
        return Decimal(str(current)) == Decimal(str(wanted))
    return bool(current == wanted)


def _upsert(model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]) -> tuple[Any, str]:
    """Create or update one row by its natural key; return it with 'created', 'updated' or 'unchanged'."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj._change_reason = LOAD_REASON  # type: ignore[attr-defined]
        obj.save()
        return obj, "created"
    dirty = [name for name, value in values.items() if not _same(getattr(obj, name), value)]
    if not dirty:
        return obj, "unchanged"
    for name in dirty:
        setattr(obj, name, values[name])
    obj._change_reason = LOAD_REASON  # type: ignore[attr-defined]
    obj.save()
    return obj, "updated"


def _names(item: dict[str, Any]) -> dict[str, str]:
    return {k: str(item.get(k) or "") for k in ("name_fr", "name_en", "name_ar")}


def _texts(item: dict[str, Any], prefix: str) -> dict[str, str]:
    return {f"{prefix}_{lang}": str(item.get(f"{prefix}_{lang}") or "") for lang in ("fr", "en", "ar")}


def programme_file_read(path: str | Path) -> dict[str, Any]:
    """Parse a programme file, refusing anything that is not one."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValidationFailed(BAD_YAML % {"error": exc}, field="file") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValidationFailed(BAD_FORMAT, field="file", code="bad_format")
    return data


@transaction.atomic
def programme_load(*, actor: User | None, data: dict[str, Any]) -> LoadReport:
    """Create or update everything the programme file describes; ``actor=None`` is the system."""
    if actor is not None:
        require(actor, "programme.manage")
    report = LoadReport()
    orgs: dict[str, Organisation] = {}
    for item in data.get("organisations", []):
        org = Organisation.objects.filter(acronym=item["acronym"], kind=item["kind"]).first()
        if org is None:
            org = organisation_create(
                actor=None,
                kind=item["kind"],
                name=item["name"],
                acronym=item["acronym"],
                ice=str(item.get("ice") or ""),
            )
            report.count("organisation", "created")
        else:
            org, state = _upsert(Organisation, {"pk": org.pk}, {"name": item["name"]})
            report.count("organisation", state)
        orgs[item["key"]] = org

    def org_ref(key: str) -> Organisation:
        if key not in orgs:
            raise ValidationFailed(UNKNOWN_REFERENCE % {"key": key}, code="unknown_reference")
        return orgs[key]

    p = data["programme"]
    programme, state = _upsert(
        Programme,
        {"code": p["code"]},
        {
            **_names(p),
            "start_year": int(p["start_year"]),
            "end_year": int(p["end_year"]),
            "source": p.get("source", ""),
        },
    )
    report.count("programme", state)

    indicators: dict[str, Indicator] = {}
    for item in data.get("indicators", []):
        values = {
            **_names(item),
            **_texts(item, "definition"),
            "unit": item["unit"],
            "measure_kind": item["measure_kind"],
            "direction": item.get("direction", "increase"),
        }
        if item.get("numerator"):
            values["numerator"] = indicators[item["numerator"]]
            values["denominator"] = indicators[item["denominator"]]
        indicators[item["code"]], state = _upsert(Indicator, {"code": item["code"]}, values)
        report.count("indicator", state)

    s = data["sector"]
    sector, state = _upsert(
        Sector,
        {"code": s["code"]},
        {**_names(s), "programme": programme, "federation": org_ref(s["federation"]) if s.get("federation") else None},
    )
    report.count("sector", state)
    for item in s.get("baselines", []):
        _obj, state = _upsert(
            SectorBaseline,
            {"sector": sector, "indicator": indicators[item["indicator"]]},
            {
                "value": to_decimal(item["value"], field="value"),
                "year": item.get("year"),
                "source": item.get("source", ""),
            },
        )
        report.count("sector baseline", state)

    ecosystems: dict[str, Ecosystem] = {}
    for item in data.get("ecosystems", []):
        eco, state = _upsert(
            Ecosystem,
            {"code": item["code"]},
            {
                **_names(item),
                **_texts(item, "description"),
                "sector": sector,
                "value_chain_note": item.get("value_chain_note", ""),
            },
        )
        report.count("ecosystem", state)
        ecosystems[item["code"]] = eco
        if item.get("value_chain") and not eco.tiers.exists():
            chain = {
                t["tier"]: {a["name"]: [str(c) for c in a["hs"]] for a in t["activities"]} for t in item["value_chain"]
            }
            value_chain_replace(ecosystem=eco, chain=chain)
            report.count("value chain", "created")

    for item in data.get("contracts", []):
        _load_contract(item, sector, ecosystems, indicators, org_ref, report)
    return report


def _load_contract(
    item: dict[str, Any],
    sector: Sector,
    ecosystems: dict[str, Ecosystem],
    indicators: dict[str, Indicator],
    org_ref: Any,
    report: LoadReport,
) -> None:
    existing = PerformanceContract.objects.filter(code=item["code"]).first()
    values: dict[str, Any] = {**_names(item), "sector": sector, "source": item.get("source", "")}
    if existing is None or existing.version == 1:
        # Once amended, the horizon and status belong to the contract's own history, not the file.
        values.update(horizon_year=int(item["horizon_year"]), status=item.get("status", "draft"))
    contract, state = _upsert(PerformanceContract, {"code": item["code"]}, values)
    report.count("contract", state)
    wanted = {ecosystems[code].pk for code in item.get("ecosystems", [])}
    if set(contract.ecosystems.values_list("pk", flat=True)) != wanted:
        contract.ecosystems.set(wanted)
    for position, key in enumerate(item.get("parties", [])):
        _obj, state = _upsert(
            ContractParty, {"contract": contract, "organisation": org_ref(key)}, {"position": position}
        )
        report.count("contract party", state)
    for sig in item.get("signings", []):
        signed_on = (
            sig["signed_on"] if isinstance(sig["signed_on"], date) else date.fromisoformat(str(sig["signed_on"]))
        )
        _obj, state = _upsert(
            ContractSigning,
            {"contract": contract, "signed_on": signed_on},
            {**_names(sig), "source": sig.get("source", "")},
        )
        report.count("signature", state)
    for t in item.get("targets", []):
        indicator = indicators[t["indicator"]]
        eco = ecosystems[t["ecosystem"]] if t.get("ecosystem") else None
        if Target.objects.filter(
            contract=contract,
            indicator=indicator,
            ecosystem=eco,
            region=t.get("region", ""),
            gender=t.get("gender", ""),
        ).exists():
            continue  # targets change by amendment once they exist
        target_create(
            actor=None,
            contract=contract,
            indicator=indicator,
            ecosystem=eco,
            baseline_value=t.get("baseline_value"),
            baseline_year=t.get("baseline_year"),
            horizon_value=t.get("horizon_value"),
            horizon_year=t.get("horizon_year"),
            shape=t.get("shape", "linear"),
            region=t.get("region", ""),
            gender=t.get("gender", ""),
            source=t.get("source", ""),
        )
        report.count("target", "created")
    for c in item.get("commitments", []):
        lookup = {"contract": contract, "party": org_ref(c["party"]), "kind": c["kind"]}
        if Commitment.objects.filter(**lookup).exists() and contract.version > 1:
            continue
        _obj, state = _upsert(
            Commitment,
            lookup,
            {
                "amount": to_decimal(c["amount"], field="amount"),
                "unit": c["unit"],
                "source": c.get("source", ""),
                **_texts(c, "description"),
            },
        )
        report.count("commitment", state)
