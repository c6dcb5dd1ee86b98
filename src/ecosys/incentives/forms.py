"""Forms of the grant pages. They read what people type; the services check it and refuse.

Numbers are read as text and handed to the services, which parse them in any local convention
("1 700 000", "0,35") and name the field at fault; ``add_domain_error`` puts such a refusal back
beside that field, so nothing is written and the person sees why where they typed.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import yaml
from django import forms
from django.utils.translation import gettext_lazy as _

from ecosys.core.errors import DomainError, ValidationFailed
from ecosys.core.numbers import to_decimal
from ecosys.incentives.explain import category_label
from ecosys.incentives.models import Application, Scheme, SchemeVersion
from ecosys.incentives.services import CATEGORIES, FLAG_FACTS
from ecosys.investments.models import InvestmentProject
from ecosys.programmes.models import Programme

YAML_INVALID = _("This is not valid YAML: %(problem)s (line %(line)s).")
YAML_NOT_MAPPING = _("The rules must be a mapping of keys (name, legal_basis, eligibility, primes, caps, ...).")

FLAG_LABELS = {
    "agreement_signed": _("Investment agreement signed under a performance contract"),
    "offset_agreement_signed": _("Offset agreement signed"),
    "future_jobs": _("Jobs of the future"),
    "sustainable": _("Sustainable development"),
    "local_integration": _("Local integration"),
}


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Put a service's refusal on the form: beside each field it names, else at the top."""
    placed = False
    for name, message in exc.fields.items():
        if name in form.fields:
            form.add_error(name, str(message))
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))


def _text(label: Any, help_text: Any = "", **attrs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", **attrs}),
    )


def read_yaml(text: str, field: str = "rules") -> dict[str, Any]:
    """Return the mapping a YAML text holds, or refuse naming the line at fault."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        line = mark.line + 1 if mark is not None else "?"
        raise ValidationFailed(
            YAML_INVALID % {"problem": problem, "line": line}, field=field, code="yaml_invalid"
        ) from None
    if not isinstance(data, dict):
        raise ValidationFailed(YAML_NOT_MAPPING, field=field, code="yaml_not_mapping")
    return data


def rules_yaml(rules: Any) -> str:
    """The rules of a version as YAML, in the order they are stored, to edit as a new version."""
    return yaml.safe_dump(rules, allow_unicode=True, sort_keys=False, width=110)


class ApplicationForm(forms.Form):
    """A draft's facts; on a new draft, also the project and the scheme."""

    project = forms.ChoiceField(label=_("Project"))
    scheme = forms.ModelChoiceField(
        queryset=Scheme.objects.order_by("key"),
        to_field_name="key",
        label=_("Scheme"),
        help_text=_("The version in force today applies."),
    )
    stable_jobs = _text(_("Stable jobs"), _("Permanent jobs the project commits to create."), inputmode="numeric")
    female_share = _text(_("Women's share of the payroll"), _("A share between 0 and 1: 0.35 for 35 %."))
    turnover = _text(_("Turnover (MAD)"))
    territorial_category = forms.ChoiceField(
        label=_("Territorial category"),
        required=False,
        choices=[("", "—"), ("A", "A"), ("B", "B")],
    )
    sector = forms.CharField(label=_("Sector"), required=False, max_length=100)
    public_order = _text(_("Public order of the offset agreement (MAD)"))

    def __init__(
        self,
        *args: Any,
        projects: Iterable[InvestmentProject] | None = None,
        application: Application | None = None,
        **kwargs: Any,
    ) -> None:
        if application is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(application)
        super().__init__(*args, **kwargs)
        for category in CATEGORIES:
            label = _("Investment: %(category)s (MAD)") % {"category": category_label(category)}
            self.fields[f"investment_{category}"] = _text(label)
        for flag in FLAG_FACTS:
            self.fields[flag] = forms.BooleanField(label=FLAG_LABELS[flag], required=False)
        if application is not None:  # a draft keeps its project and scheme
            del self.fields["project"]
            del self.fields["scheme"]
        else:
            self.fields["project"].choices = [("", "—")] + [  # type: ignore[attr-defined]
                (p.code, f"{p.code} · {p.name} · {p.company.name}") for p in projects or []
            ]

    @staticmethod
    def initial_from(application: Application) -> dict[str, Any]:
        facts = application.facts or {}
        initial: dict[str, Any] = {
            name: facts.get(name) or ""
            for name in ("stable_jobs", "female_share", "turnover", "public_order", "territorial_category", "sector")
        }
        initial["stable_jobs"] = facts.get("stable_jobs", "")
        for category, amount in (facts.get("investment") or {}).items():
            initial[f"investment_{category}"] = amount
        for flag in FLAG_FACTS:
            initial[flag] = bool(facts.get(flag))
        return initial

    def investment_fields(self) -> list[forms.BoundField]:
        return [self[f"investment_{category}"] for category in CATEGORIES]

    def flag_fields(self) -> list[forms.BoundField]:
        return [self[flag] for flag in FLAG_FACTS]

    def facts(self) -> dict[str, Any]:
        """The declared facts as the services read them (``services.facts_clean``)."""
        data = self.cleaned_data
        facts: dict[str, Any] = {
            "investment": {c: data[f"investment_{c}"] for c in CATEGORIES if data.get(f"investment_{c}")},
            "stable_jobs": data.get("stable_jobs", ""),
            "territorial_category": data.get("territorial_category") or None,
            "sector": data.get("sector", ""),
        }
        for name in ("female_share", "turnover", "public_order"):
            facts[name] = data.get(name) or None
        for flag in FLAG_FACTS:
            facts[flag] = bool(data.get(flag))
        return facts


class VersionForm(forms.Form):
    """A new version of a scheme: its rules as YAML, and what changed."""

    rules = forms.CharField(
        label=_("Rules (YAML)"),
        widget=forms.Textarea(attrs={"rows": 24, "cols": 100, "spellcheck": "false", "dir": "ltr"}),
    )
    note = forms.CharField(label=_("What changed"), required=False, max_length=300)

    def clean_rules(self) -> dict[str, Any]:
        try:
            return read_yaml(self.cleaned_data["rules"])
        except ValidationFailed as exc:
            raise forms.ValidationError(str(exc.message)) from None


class SimulatorForm(forms.Form):
    """A scheme version, optionally its rules modified, applied to a programme's pipeline."""

    programme = forms.ModelChoiceField(queryset=Programme.objects.none(), to_field_name="code", label=_("Programme"))
    version = forms.ModelChoiceField(
        queryset=SchemeVersion.objects.select_related("scheme").order_by("scheme__key", "-number"),
        label=_("Scheme version"),
    )
    rules = forms.CharField(
        label=_("Modified rules (YAML, optional)"),
        required=False,
        help_text=_("Leave empty to apply the version as it is. Nothing typed here is saved."),
        widget=forms.Textarea(attrs={"rows": 14, "cols": 100, "spellcheck": "false", "dir": "ltr"}),
    )
    envelope_amount = forms.CharField(
        label=_("Envelope (MAD, optional)"),
        required=False,
        help_text=_("Empty: what the programme's envelopes for the scheme have left."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]
        self.fields["version"].label_from_instance = lambda v: (  # type: ignore[attr-defined]
            f"{v.scheme.name} · v{v.number} ({v.valid_from:%Y-%m-%d} – {v.valid_to or '…'})"
        )

    def clean_rules(self) -> dict[str, Any] | None:
        text = self.cleaned_data.get("rules", "")
        if not text.strip():
            return None
        try:
            return read_yaml(text)
        except ValidationFailed as exc:
            raise forms.ValidationError(str(exc.message)) from None

    def clean_envelope_amount(self) -> Decimal | None:
        text = self.cleaned_data.get("envelope_amount", "")
        if not text.strip():
            return None
        try:
            amount = to_decimal(text, field="envelope_amount")
        except ValidationFailed as exc:
            raise forms.ValidationError(str(exc.message)) from None
        if amount < 0:
            raise forms.ValidationError(_("Enter a number that is zero or more."))
        return amount
