"""Forms of the investment pages. They parse input only; the services decide and refuse.

A service's ``ValidationFailed`` is put back on the form by ``add_domain_error``, next to the field
it names, so the person sees the reason where they typed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ecosys.core.errors import DomainError
from ecosys.core.i18n import localized
from ecosys.investments.models import ImportBatch, InvestmentProject, ProjectMilestone, Province
from ecosys.programmes.models import Activity, Ecosystem

PLAN_YEARS = 6


class CodeChoiceField(forms.ModelChoiceField):
    """Choices labelled in the reader's language."""

    def label_from_instance(self, obj: Any) -> str:
        if isinstance(obj, Province):
            return f"{localized(obj.region, 'name')} — {localized(obj, 'name')}"
        if isinstance(obj, Activity):
            return f"{obj.tier.ecosystem.code} — {localized(obj, 'name')}"
        if isinstance(obj, Ecosystem):
            return f"{localized(obj, 'name')} ({obj.code})"
        return str(obj)


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show a refusal of the service on the form, beside the field it names when the form has it."""
    placed = False
    for name, message in exc.fields.items():
        field = name.split(".")[0]
        if field in form.fields:
            form.add_error(field, str(message))
            placed = True
    for detail in exc.details:
        form.add_error(None, str(detail["message"]))
        placed = True
    if not placed:
        form.add_error(None, str(exc.message))


def _hs_codes(text: str) -> list[str]:
    return [code for code in text.replace(",", " ").replace(";", " ").split() if code]


class ProjectForm(forms.Form):
    """A project's facts, its yearly plan and its four milestones, as a company fills them in."""

    company = CodeChoiceField(queryset=None, to_field_name="ice", label=_("Company"))
    name = forms.CharField(label=_("Project name"), max_length=200)
    ecosystem = CodeChoiceField(queryset=None, to_field_name="code", label=_("Ecosystem"))
    activity = CodeChoiceField(queryset=None, required=False, label=_("Activity of the value chain"))
    hs_codes = forms.CharField(
        label=_("HS codes"), required=False, help_text=_("Products made, as HS codes separated by spaces or commas.")
    )
    province = CodeChoiceField(queryset=None, to_field_name="code", label=_("Region — prefecture or province"))
    investment_mad = forms.DecimalField(label=_("Investment (MAD)"), min_value=0, max_digits=18, decimal_places=2)
    land_need_m2 = forms.IntegerField(label=_("Land need (m²)"), min_value=0, required=False)

    def __init__(
        self,
        *args: Any,
        companies: QuerySet[Any] | None,
        ecosystems: QuerySet[Any],
        activities: QuerySet[Any],
        provinces: QuerySet[Any],
        project: InvestmentProject | None = None,
        **kwargs: Any,
    ) -> None:
        if project is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(project)
        super().__init__(*args, **kwargs)
        if companies is None:
            del self.fields["company"]
        else:
            self.fields["company"].queryset = companies  # type: ignore[attr-defined]
        self.fields["ecosystem"].queryset = ecosystems  # type: ignore[attr-defined]
        self.fields["activity"].queryset = activities  # type: ignore[attr-defined]
        self.fields["province"].queryset = provinces  # type: ignore[attr-defined]
        years = project.plan.count() if project is not None else 0
        for index in range(max(PLAN_YEARS, years + 2)):
            for name, field in self.plan_fields(index).items():
                self.fields[name] = field
        for kind, label in ProjectMilestone.Kind.choices:
            for name, text in (("planned", _("%(milestone)s — planned")), ("actual", _("%(milestone)s — actual"))):
                title = text % {"milestone": label}
                self.fields[f"{name}_{kind}"] = forms.DateField(
                    label=title,
                    required=False,
                    widget=forms.DateInput(attrs={"type": "date", "aria-label": title}, format="%Y-%m-%d"),
                )

    @staticmethod
    def plan_fields(index: int) -> dict[str, forms.Field]:
        """The fields of one row of the yearly plan; a table shows them, so each names itself."""

        def labelled(label: Any) -> dict[str, Any]:
            return {"label": label, "required": False, "widget": forms.NumberInput(attrs={"aria-label": label})}

        return {
            f"plan_{index}_year": forms.IntegerField(min_value=2000, max_value=2100, **labelled(_("Year"))),
            f"plan_{index}_jobs": forms.IntegerField(min_value=0, **labelled(_("Jobs"))),
            f"plan_{index}_turnover_mad": forms.DecimalField(min_value=0, **labelled(_("Turnover (MAD)"))),
            f"plan_{index}_exports_mad": forms.DecimalField(min_value=0, **labelled(_("Exports (MAD)"))),
            f"plan_{index}_value_added_mad": forms.DecimalField(**labelled(_("Value added (MAD)"))),
        }

    @staticmethod
    def initial_from(project: InvestmentProject) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "company": project.company.ice,
            "name": project.name,
            "ecosystem": project.ecosystem.code,
            "activity": project.activity_id,
            "hs_codes": " ".join(project.hs_codes or []),
            "province": project.province.code,
            "investment_mad": project.investment_mad,
            "land_need_m2": project.land_need_m2,
        }
        for index, row in enumerate(project.plan.all()):
            for name in ("year", "jobs", "turnover_mad", "exports_mad", "value_added_mad"):
                initial[f"plan_{index}_{name}"] = getattr(row, name)
        for milestone in project.milestones.all():
            initial[f"planned_{milestone.kind}"] = milestone.planned_date
            initial[f"actual_{milestone.kind}"] = milestone.actual_date
        return initial

    def plan_rows(self) -> list[list[forms.BoundField]]:
        """The plan's fields, one list per row, for the template's table."""
        rows = []
        index = 0
        while f"plan_{index}_year" in self.fields:
            rows.append(
                [self[f"plan_{index}_{n}"] for n in ("year", "jobs", "turnover_mad", "exports_mad", "value_added_mad")]
            )
            index += 1
        return rows

    def milestone_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [
            (str(label), self[f"planned_{kind}"], self[f"actual_{kind}"])
            for kind, label in ProjectMilestone.Kind.choices
        ]

    def values(self) -> dict[str, Any]:
        """Return the service's keyword arguments (the company apart)."""
        data = self.cleaned_data
        province: Province = data["province"]
        plan = []
        index = 0
        while f"plan_{index}_year" in data:
            year = data[f"plan_{index}_year"]
            if year:
                plan.append(
                    {
                        "year": year,
                        **{
                            n: data[f"plan_{index}_{n}"] or 0
                            for n in ("jobs", "turnover_mad", "exports_mad", "value_added_mad")
                        },
                    }
                )
            index += 1
        milestones = [
            {"kind": kind, "planned_date": data[f"planned_{kind}"], "actual_date": data[f"actual_{kind}"]}
            for kind in ProjectMilestone.Kind.values
            if data.get(f"planned_{kind}")
        ]
        return {
            "name": data["name"],
            "ecosystem": data["ecosystem"],
            "activity": data["activity"],
            "hs_codes": _hs_codes(data["hs_codes"]),
            "region": province.region,
            "province": province,
            "investment_mad": data["investment_mad"],
            "land_need_m2": data["land_need_m2"] or 0,
            "plan": plan,
            "milestones": milestones,
        }


class DeclarationForm(forms.Form):
    """One month of a company's figures; empty fields are not declared."""

    month = forms.CharField(
        label=_("Month"),
        widget=forms.DateInput(attrs={"type": "month"}),
        help_text=_("YYYY-MM, a month that has ended."),
    )
    project = CodeChoiceField(queryset=None, to_field_name="code", required=False, label=_("Project (optional)"))
    headcount = forms.IntegerField(label=_("Headcount at the end of the month"), min_value=0, required=False)
    headcount_women = forms.IntegerField(label=_("of whom women"), min_value=0, required=False)
    gross_hires = forms.IntegerField(label=_("Gross hires in the month"), min_value=0, required=False)
    departures = forms.IntegerField(label=_("Departures in the month"), min_value=0, required=False)
    turnover_mad = forms.DecimalField(label=_("Turnover (MAD)"), min_value=0, required=False)
    exports_mad = forms.DecimalField(label=_("Exports (MAD)"), min_value=0, required=False)
    imports_mad = forms.DecimalField(label=_("Imports (MAD)"), min_value=0, required=False)
    value_added_mad = forms.DecimalField(label=_("Value added (MAD)"), required=False)

    def __init__(self, *args: Any, projects: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects  # type: ignore[attr-defined]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of file"), choices=ImportBatch.Kind.choices)
    file = forms.FileField(label=_("File (CSV or XLSX)"))


class TakeUpForm(forms.Form):
    """Take a sheet of the project bank up: where the project will be and for which company."""

    company = CodeChoiceField(queryset=None, to_field_name="ice", label=_("Company"))
    province = CodeChoiceField(queryset=None, to_field_name="code", label=_("Region — prefecture or province"))
    investment_mad = forms.DecimalField(label=_("Investment (MAD)"), min_value=0, required=False)

    def __init__(self, *args: Any, companies: QuerySet[Any] | None, provinces: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if companies is None:
            del self.fields["company"]
        else:
            self.fields["company"].queryset = companies  # type: ignore[attr-defined]
        self.fields["province"].queryset = provinces  # type: ignore[attr-defined]
