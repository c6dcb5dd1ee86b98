"""API endpoints for programmes, ecosystems, value chains, contracts, targets and amendments."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from ecosys.core.errors import ValidationFailed
from ecosys.core.http import actor_of, file_response
from ecosys.core.i18n import localized
from ecosys.programmes import selectors
from ecosys.programmes.services.contracts import contract_amendment_decide, contract_amendment_propose
from ecosys.programmes.services.targets import milestone_override, target_create
from ecosys.programmes.services.valuechain import value_chain_import

router = Router(tags=["programmes"])


class EcosystemOut(Schema):
    code: str
    name: str
    name_fr: str
    name_en: str
    name_ar: str
    sector: str

    @staticmethod
    def resolve_sector(obj: Any) -> str:
        return str(obj.sector.code)


class ProgrammeOut(Schema):
    code: str
    name: str
    start_year: int
    end_year: int
    ecosystems: list[EcosystemOut]

    @staticmethod
    def resolve_ecosystems(obj: Any) -> list[Any]:
        return [eco for sector in obj.sectors.all() for eco in sector.ecosystems.all()]


class ProductOut(Schema):
    hs_code: str


class ActivityOut(Schema):
    name: str
    hs_codes: list[str]

    @staticmethod
    def resolve_hs_codes(obj: Any) -> list[str]:
        return [p.hs_code for p in obj.products.all()]


class TierOut(Schema):
    name: str
    activities: list[ActivityOut]

    @staticmethod
    def resolve_activities(obj: Any) -> list[Any]:
        return list(obj.activities.all())


class EcosystemDetailOut(EcosystemOut):
    description: str
    value_chain_note: str
    tiers: list[TierOut]

    @staticmethod
    def resolve_tiers(obj: Any) -> list[Any]:
        return list(obj.tiers.all())


class ImportResultOut(Schema):
    created: int
    deleted: int


class MilestoneOut(Schema):
    year: int
    value: Decimal
    derived_value: Decimal
    overridden: bool
    override_reason: str

    @staticmethod
    def resolve_overridden(obj: Any) -> bool:
        return bool(obj.is_overridden)


class TargetOut(Schema):
    id: int
    indicator: str
    indicator_name: str
    unit: str
    ecosystem: str | None
    region: str
    gender: str
    baseline_value: Decimal
    baseline_year: int
    horizon_value: Decimal
    horizon_year: int
    shape: str
    source: str
    milestones: list[MilestoneOut]

    @staticmethod
    def resolve_indicator(obj: Any) -> str:
        return str(obj.indicator.code)

    @staticmethod
    def resolve_indicator_name(obj: Any) -> str:
        return localized(obj.indicator, "name")

    @staticmethod
    def resolve_unit(obj: Any) -> str:
        return str(obj.indicator.unit)

    @staticmethod
    def resolve_ecosystem(obj: Any) -> str | None:
        return obj.ecosystem.code if obj.ecosystem_id else None

    @staticmethod
    def resolve_milestones(obj: Any) -> list[Any]:
        return list(obj.milestones.all())


class CommitmentOut(Schema):
    id: int
    party: str
    kind: str
    amount: Decimal
    unit: str
    description: str
    source: str

    @staticmethod
    def resolve_party(obj: Any) -> str:
        return str(obj.party)


class AmendmentOut(Schema):
    id: int
    number: int
    status: str
    reason: str
    changes: dict[str, Any]
    proposed_by: str
    decided_by: str | None
    resulting_version: int | None

    @staticmethod
    def resolve_proposed_by(obj: Any) -> str:
        return str(obj.proposed_by.get_username())

    @staticmethod
    def resolve_decided_by(obj: Any) -> str | None:
        return obj.decided_by.get_username() if obj.decided_by_id else None


class ContractOut(Schema):
    code: str
    name: str
    sector: str
    horizon_year: int
    status: str
    version: int
    ecosystems: list[str]
    signed_on: list[date]

    @staticmethod
    def resolve_sector(obj: Any) -> str:
        return str(obj.sector.code)

    @staticmethod
    def resolve_ecosystems(obj: Any) -> list[str]:
        return [e.code for e in obj.ecosystems.all()]

    @staticmethod
    def resolve_signed_on(obj: Any) -> list[date]:
        return [s.signed_on for s in obj.signings.all()]


class ContractDetailOut(ContractOut):
    parties: list[str]
    targets: list[TargetOut]
    commitments: list[CommitmentOut]
    amendments: list[AmendmentOut]

    @staticmethod
    def resolve_parties(obj: Any) -> list[str]:
        return [str(p.organisation) for p in obj.parties.all()]

    @staticmethod
    def resolve_targets(obj: Any) -> list[Any]:
        return list(obj.targets.all())

    @staticmethod
    def resolve_commitments(obj: Any) -> list[Any]:
        return list(obj.commitments.all())

    @staticmethod
    def resolve_amendments(obj: Any) -> list[Any]:
        return list(obj.amendments.all())


class AuditEntryOut(Schema):
    when: datetime
    who: str
    action: str
    object_label: str
    changes: list[tuple[str, str, str]]
    reason: str


class TargetIn(Schema):
    indicator: str
    baseline_value: Decimal | None = None
    baseline_year: int | None = None
    horizon_value: Decimal
    horizon_year: int | None = None
    shape: str = "linear"
    ecosystem: str | None = None
    region: str = ""
    gender: str = ""
    source: str = ""


class MilestoneIn(Schema):
    value: Decimal | None
    reason: str


class TargetChangeIn(Schema):
    id: int
    horizon_value: Decimal


class CommitmentChangeIn(Schema):
    id: int
    amount: Decimal


class AmendmentIn(Schema):
    reason: str
    horizon_year: int | None = None
    targets: list[TargetChangeIn] = []
    commitments: list[CommitmentChangeIn] = []


class DecisionIn(Schema):
    approve: bool
    note: str = ""


@router.get("/programmes", response=list[ProgrammeOut])
def programme_list(request: HttpRequest):
    return selectors.programme_list(actor=actor_of(request))


@router.get("/programmes/{code}", response=ProgrammeOut)
def programme_get(request: HttpRequest, code: str):
    return selectors.programme_get(actor=actor_of(request), code=code)


@router.get("/ecosystems", response=list[EcosystemOut])
def ecosystem_list(request: HttpRequest):
    return selectors.ecosystem_list(actor=actor_of(request))


@router.get("/ecosystems/{code}", response=EcosystemDetailOut)
def ecosystem_get(request: HttpRequest, code: str):
    return selectors.ecosystem_get(actor=actor_of(request), code=code)


@router.get("/ecosystems/{code}/value-chain.csv")
def value_chain_export(request: HttpRequest, code: str) -> HttpResponse:
    ecosystem = selectors.ecosystem_get(actor=actor_of(request), code=code)
    return file_response(selectors.value_chain_csv(ecosystem=ecosystem), filename=f"{ecosystem.code}-value-chain.csv")


@router.post("/ecosystems/{code}/value-chain", response=ImportResultOut)
def value_chain_upload(request: HttpRequest, code: str, file: UploadedFile = File(...)):  # noqa: B008
    ecosystem = selectors.ecosystem_get(actor=actor_of(request), code=code)
    return value_chain_import(actor=actor_of(request), ecosystem=ecosystem, file=file.read())


@router.get("/contracts", response=list[ContractOut])
def contract_list(request: HttpRequest):
    return selectors.contract_list(actor=actor_of(request))


@router.get("/contracts/{code}", response=ContractDetailOut)
def contract_get(request: HttpRequest, code: str):
    return selectors.contract_get(actor=actor_of(request), code=code)


@router.get("/contracts/{code}/history", response=list[AuditEntryOut])
def contract_history(request: HttpRequest, code: str):
    contract = selectors.contract_get(actor=actor_of(request), code=code)
    return selectors.contract_history(actor=actor_of(request), contract=contract)


@router.post("/contracts/{code}/targets", response={201: TargetOut})
def target_add(request: HttpRequest, code: str, payload: TargetIn):
    contract = selectors.contract_get(actor=actor_of(request), code=code)
    data = payload.dict()
    indicator = selectors.indicator_find(code=data.pop("indicator"))
    ecosystem_code = data.pop("ecosystem")
    ecosystem = selectors.ecosystem_get(actor=actor_of(request), code=ecosystem_code) if ecosystem_code else None
    if indicator is None:
        raise ValidationFailed(selectors.NOT_FOUND, field="indicator")
    target = target_create(actor=actor_of(request), contract=contract, indicator=indicator, ecosystem=ecosystem, **data)
    return Status(201, target)


@router.put("/targets/{pk}/milestones/{year}", response=MilestoneOut)
def milestone_set(request: HttpRequest, pk: int, year: int, payload: MilestoneIn):
    target = selectors.target_get(actor=actor_of(request), pk=pk)
    return milestone_override(
        actor=actor_of(request), target=target, year=year, value=payload.value, reason=payload.reason
    )


@router.post("/contracts/{code}/amendments", response={201: AmendmentOut})
def amendment_propose(request: HttpRequest, code: str, payload: AmendmentIn):
    contract = selectors.contract_get(actor=actor_of(request), code=code)
    data = payload.dict()
    reason = data.pop("reason")
    amendment = contract_amendment_propose(actor=actor_of(request), contract=contract, reason=reason, changes=data)
    return Status(201, amendment)


@router.post("/amendments/{pk}/decision", response=AmendmentOut)
def amendment_decide(request: HttpRequest, pk: int, payload: DecisionIn):
    amendment = selectors.amendment_get(actor=actor_of(request), pk=pk)
    return contract_amendment_decide(
        actor=actor_of(request), amendment=amendment, approve=payload.approve, note=payload.note
    )
