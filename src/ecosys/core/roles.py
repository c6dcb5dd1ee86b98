"""Roles and the permission codes each role holds.

A permission code names one operation (``contract.amend.approve``). Services and selectors ask
``actor_can(actor, code)``; pages and API endpoints never test roles themselves, so they cannot
disagree. Scoping (a company sees only its own organisation; an ecosystem manager edits only their
ecosystems) is applied by the selectors on top of these codes.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MINISTRY_ADMIN = "ministry_admin", _("Ministry administrator")
    MINISTRY_ANALYST = "ministry_analyst", _("Ministry analyst")
    FEDERATION_OFFICER = "federation_officer", _("Federation officer")
    ECOSYSTEM_MANAGER = "ecosystem_manager", _("Ecosystem manager")
    COMPANY_USER = "company_user", _("Company user")
    FUND_OFFICER = "fund_officer", _("Fund officer")
    LAND_OFFICER = "land_officer", _("Land officer")
    AUDITOR = "auditor", _("Auditor (read-only)")


R = Role
ALL_ROLES = frozenset(Role)
STAFF_ROLES = ALL_ROLES - {R.COMPANY_USER}

PERMISSIONS: dict[str, frozenset[Role]] = {
    # Reading the programme: ecosystems, contracts, targets. Contracts are public commitments.
    "programme.view": ALL_ROLES,
    # Setting up programmes, ecosystems, contracts, indicators, targets, commitments.
    "programme.manage": frozenset({R.MINISTRY_ADMIN}),
    # Editing an ecosystem's value chain (ecosystem managers: only their own ecosystems).
    "valuechain.edit": frozenset({R.MINISTRY_ADMIN, R.FEDERATION_OFFICER, R.ECOSYSTEM_MANAGER}),
    # Overriding one yearly milestone of a target.
    "target.edit": frozenset({R.MINISTRY_ADMIN, R.FEDERATION_OFFICER}),
    # Contract amendments: proposed by one person, approved by another.
    "contract.amend.propose": frozenset({R.MINISTRY_ADMIN, R.FEDERATION_OFFICER}),
    "contract.amend.approve": frozenset({R.MINISTRY_ADMIN, R.FEDERATION_OFFICER}),
    # Organisations: staff see all; company users only their own (selector scoping).
    "organisation.view_all": STAFF_ROLES,
    "organisation.manage": frozenset({R.MINISTRY_ADMIN, R.FEDERATION_OFFICER}),
    # Investments: every role reads; company users only their own company's projects and figures.
    "investments.view": ALL_ROLES,
    "investments.view_all": STAFF_ROLES,
    "projectbank.manage": frozenset({R.MINISTRY_ADMIN, R.FEDERATION_OFFICER, R.ECOSYSTEM_MANAGER}),
    "project.create": frozenset({R.MINISTRY_ADMIN, R.FEDERATION_OFFICER, R.ECOSYSTEM_MANAGER, R.COMPANY_USER}),
    "project.edit": frozenset({R.MINISTRY_ADMIN, R.FEDERATION_OFFICER, R.ECOSYSTEM_MANAGER, R.COMPANY_USER}),
    "declaration.submit": frozenset({R.MINISTRY_ADMIN, R.FEDERATION_OFFICER, R.COMPANY_USER}),
    # Administrative records (CNSS headcounts) come through the ministry's data-sharing agreements.
    "cnss.import": frozenset({R.MINISTRY_ADMIN, R.MINISTRY_ANALYST}),
    "verification.run": frozenset({R.MINISTRY_ADMIN, R.MINISTRY_ANALYST, R.FEDERATION_OFFICER}),
    "verification.policy": frozenset({R.MINISTRY_ADMIN}),
    # Monitoring dashboards and reports: staff (company users follow their own company's figures).
    "monitoring.view": STAFF_ROLES,
    # Status thresholds of a programme.
    "monitoring.configure": frozenset({R.MINISTRY_ADMIN}),
    # Validating (locking) a quarter's figures; unlocking needs a request and another person's grant.
    "period.lock": frozenset({R.MINISTRY_ADMIN, R.FEDERATION_OFFICER}),
    # The audit trail (history of contracts, targets, commitments).
    "audit.view": frozenset(
        {R.MINISTRY_ADMIN, R.MINISTRY_ANALYST, R.FEDERATION_OFFICER, R.ECOSYSTEM_MANAGER, R.AUDITOR}
    ),
    # Joint governance: committees, meetings, decisions and initiatives (company users see the
    # initiatives that concern their company through the selectors, not this code).
    "governance.view": STAFF_ROLES,
    # Setting up committees and their members.
    "governance.manage": frozenset({R.MINISTRY_ADMIN, R.FEDERATION_OFFICER}),
    # Holding meetings, writing minutes, recording decisions and initiatives (members only, see selectors).
    "governance.meet": frozenset({R.MINISTRY_ADMIN, R.FEDERATION_OFFICER, R.ECOSYSTEM_MANAGER}),
    # Moving an initiative and noting its progress: its owners and the committee's members.
    "initiative.update": frozenset({R.MINISTRY_ADMIN, R.FEDERATION_OFFICER, R.ECOSYSTEM_MANAGER, R.COMPANY_USER}),
    # Grants: schemes are public; company users see their own applications only (selectors).
    "incentives.view": ALL_ROLES,
    "incentives.view_all": STAFF_ROLES,
    # Writing scheme versions (rules, validity, uncertain values) and the envelopes of a programme.
    "scheme.manage": frozenset({R.MINISTRY_ADMIN, R.FUND_OFFICER}),
    "envelope.manage": frozenset({R.MINISTRY_ADMIN}),
    # Applying for a project: its company, or the fund on its behalf.
    "grant.apply": frozenset({R.MINISTRY_ADMIN, R.COMPANY_USER, R.FUND_OFFICER}),
    # Reviewing, deciding (a second fund officer), signing, checking proofs, releasing tranches, clawing back.
    "grant.review": frozenset({R.MINISTRY_ADMIN, R.FUND_OFFICER}),
    "grant.decide": frozenset({R.MINISTRY_ADMIN, R.FUND_OFFICER}),
    "grant.pay": frozenset({R.MINISTRY_ADMIN, R.FUND_OFFICER}),
    # The what-if simulator reads the whole pipeline.
    "grant.simulate": STAFF_ROLES,
    # Industrial land: zones and parcels are public to signed-in roles; company users see their own requests only.
    "land.view": ALL_ROLES,
    "land.view_all": STAFF_ROLES,
    # Importing zones and parcels, setting prices, services and parcel status.
    "land.manage": frozenset({R.MINISTRY_ADMIN, R.LAND_OFFICER}),
    # Requesting land for a project: its company, or the land office on its behalf.
    "land.request": frozenset({R.MINISTRY_ADMIN, R.COMPANY_USER, R.LAND_OFFICER}),
    # Reserving, allocating, signing, releasing; running and accepting the optimiser.
    "land.allocate": frozenset({R.MINISTRY_ADMIN, R.LAND_OFFICER}),
    # Opportunity analytics: staff read the trade datasets and the studies' results.
    "opportunity.view": STAFF_ROLES,
    # Running studies (and turning their results into project-bank sheets, with projectbank.manage).
    "opportunity.run": frozenset({R.MINISTRY_ADMIN, R.MINISTRY_ANALYST, R.FEDERATION_OFFICER}),
    # Bringing trade files into a dataset (BACI, Comtrade, long tables).
    "trade.import": frozenset({R.MINISTRY_ADMIN, R.MINISTRY_ANALYST}),
}
