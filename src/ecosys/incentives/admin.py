"""Admin for the incentives domain. Scheme versions, applications, proofs, payments and clawbacks are
read-only here: they change through the services, which check overlapping validities, four eyes, the
envelope and the conditions of each tranche. An envelope's name and amount may be edited; what it has
committed and paid moves only with approvals, payments and clawbacks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ecosys.core.admin import ReadOnlyHistoryAdmin
from ecosys.incentives import models as m

AMOUNT_BELOW_COMMITTED = _("This envelope has already committed %(committed)s MAD: its amount cannot be less.")


class VersionInline(admin.TabularInline):
    model = m.SchemeVersion
    extra = 0
    can_delete = False
    fields = readonly_fields = ("number", "valid_from", "valid_to", "note", "created_by")
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(m.Scheme)
class SchemeAdmin(SimpleHistoryAdmin):
    list_display = ["key", "name"]
    search_fields = ["key", "name"]
    inlines = [VersionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a scheme is created with its first version (services.version_add)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: m.Scheme | None = None) -> list[str]:
        return ["key"]


@admin.register(m.SchemeVersion)
class SchemeVersionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["scheme", "number", "valid_from", "valid_to", "note", "created_by"]
    list_filter = ["scheme"]


class EnvelopeForm(forms.ModelForm):
    class Meta:
        model = m.Envelope
        fields = ["programme", "ecosystem", "scheme", "name", "amount_mad"]

    def clean_amount_mad(self) -> Any:
        amount = self.cleaned_data["amount_mad"]
        committed = self.instance.committed_mad if self.instance.pk else 0
        if amount is not None and amount < committed:
            raise forms.ValidationError(
                AMOUNT_BELOW_COMMITTED,
                code="amount_below_committed",
                params={"committed": number_format(committed, decimal_pos=2, force_grouping=True)},
            )
        return amount


@admin.register(m.Envelope)
class EnvelopeAdmin(SimpleHistoryAdmin):
    form = EnvelopeForm
    list_display = ["name", "programme", "ecosystem", "scheme", "amount_mad", "committed_mad", "paid_mad"]
    list_filter = ["programme", "scheme"]
    search_fields = ["name"]

    def get_readonly_fields(self, request: HttpRequest, obj: m.Envelope | None = None) -> list[str]:
        # The money it holds moves only through the services; its scope stays what the commitments were made on.
        money = ["committed_mad", "paid_mad"]
        return money if obj is None else ["programme", "ecosystem", "scheme", *money]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ProofInline(admin.TabularInline):
    model = m.InvestmentProof
    extra = 0
    can_delete = False
    fields = readonly_fields = ("category", "amount_mad", "description", "added_by", "verified_by", "verified_at")


class PaymentInline(admin.TabularInline):
    model = m.Payment
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "tranche",
        "amount_mad",
        "paid_on",
        "verified_jobs",
        "proven_investment_mad",
        "released_by",
    )


@admin.register(m.Application)
class ApplicationAdmin(ReadOnlyHistoryAdmin):
    list_display = ["reference", "company", "project", "version", "status", "applied_on", "granted_mad", "envelope"]
    list_filter = ["status", "version__scheme", "is_generated"]
    search_fields = ["reference", "company__name", "project__code"]
    date_hierarchy = "applied_on"
    inlines = [ProofInline, PaymentInline]


@admin.register(m.InvestmentProof)
class InvestmentProofAdmin(ReadOnlyHistoryAdmin):
    list_display = ["application", "category", "amount_mad", "added_by", "verified_by", "verified_at"]
    list_filter = ["category"]


@admin.register(m.Payment)
class PaymentAdmin(ReadOnlyHistoryAdmin):
    list_display = ["application", "tranche", "amount_mad", "paid_on", "released_by"]
    date_hierarchy = "paid_on"


@admin.register(m.Clawback)
class ClawbackAdmin(ReadOnlyHistoryAdmin):
    list_display = ["application", "amount_mad", "earned_mad", "achievement", "worst", "decided_by"]
