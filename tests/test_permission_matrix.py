"""Who may do what: every API endpoint and every page of Ecosys, for each role and for a visitor.

The expected outcomes are declared below as two tables (API_MATRIX and WEB_MATRIX), one row per
endpoint (and per scoping situation where scoping matters), one column per actor. They are derived
from ``PERMISSIONS`` in ``ecosys.core.roles`` plus the scoping rules:

* a company user sees only its own organisation (another organisation is hidden: 404), and only its
  own company's projects, declarations, imports and figures (another company's are hidden: 404);
* an ecosystem manager edits the value chain of its own ecosystem (``membership.ecosystem``) only;
* an amendment is never approved by its author, a project never validated by the person who
  submitted it (four-eyes rule: 400, code ``four_eyes``);
* a project moves only along the lifecycle, each move open to some roles only (403 for the others);
* a company edits its project until the federation validates it (then 409, code ``project_locked``).

Each write is sent with a valid payload, so that an allowed actor gets a 2xx (a redirect to the
success page for a form) and the refusals measured here come from the permission check, not from
bad input. Refusals never write anything.

Pages: reads refused by a permission render a 403 page; a refused form POST is, by design of
``ecosys.web.views.domain_errors``, a redirect back (to the referring page, else home) with an error
message, and nothing written. Anonymous visitors are sent to the login page.

``test_every_api_endpoint_is_in_the_matrix`` and ``test_every_page_is_in_the_matrix`` enumerate the
registered routes, so a new endpoint or page fails the suite until its row is added here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils import timezone, translation

from ecosys.accounts.models import ApiToken, Organisation, User
from ecosys.core.permissions import NOT_ALLOWED
from ecosys.core.roles import PERMISSIONS, Role
from ecosys.governance.models import Committee, Initiative, Meeting
from ecosys.governance.services import (
    NOT_CHAIR,
    committee_create,
    committee_member_add,
    initiative_create,
    meeting_create,
    minutes_write,
)
from ecosys.investments.lifecycle import Status
from ecosys.investments.models import Declaration, ImportBatch, InvestmentProject, OpportunitySheet, Province, Source
from ecosys.investments.services.bank import sheet_create
from ecosys.investments.services.projects import (
    NOT_EDITABLE,
    OWN_SUBMISSION,
    TRANSITION_ROLE,
    project_create,
    project_transition,
)
from ecosys.monitoring.models import Period, Report, StatusThresholds, UnlockRequest
from ecosys.monitoring.reports import report_request
from ecosys.monitoring.services import period_lock, period_unlock_request
from ecosys.programmes import selectors
from ecosys.programmes.models import (
    ActivityProduct,
    ContractAmendment,
    Ecosystem,
    Milestone,
    PerformanceContract,
    Target,
)
from ecosys.programmes.selectors import NOT_YOUR_ECOSYSTEM
from ecosys.programmes.services.contracts import AMENDMENT_SELF_APPROVAL, contract_amendment_propose
from tests.factories import make_ice

# --------------------------------------------------------------------------------------------------
# The actors (columns) and the outcomes (cells)
# --------------------------------------------------------------------------------------------------

ANON = "anonymous"
ADM, ANA, FED, ECO = Role.MINISTRY_ADMIN, Role.MINISTRY_ANALYST, Role.FEDERATION_OFFICER, Role.ECOSYSTEM_MANAGER
COM, FUND, LAND, AUD = Role.COMPANY_USER, Role.FUND_OFFICER, Role.LAND_OFFICER, Role.AUDITOR
COLUMNS: tuple[str, ...] = (ANON, ADM, ANA, FED, ECO, COM, FUND, LAND, AUD)
assert set(COLUMNS[1:]) == set(Role), "every role has a column"

OK = "ok"  # allowed: 2xx from the API; 200 or a redirect to the success page from a page
NO = "forbidden"  # refused by a permission: 403 (API, page read); a refused form: redirect back + error
HID = "hidden"  # refused and the object's existence is not revealed: 404
RULE = "rule"  # the permission passes but a domain rule refuses (four-eyes): 400 / redirect back + error
LOCK = "locked"  # the permission passes but the object's state refuses the change: 409 / redirect back + error
AUTH = "login"  # anonymous: 401 from the API, redirect to the login page from a page
REFUSALS = {NO, HID, RULE, LOCK, AUTH}

# The ecosystem manager of the matrix manages IMM-VAL; "other ecosystem" rows use IMM-NM.
OWN_ECOSYSTEM, OTHER_ECOSYSTEM = "IMM-VAL", "IMM-NM"
SIGNED_IN = None  # permission column: no code, any signed-in person (scoped by the selector)

# fmt: off
# Every path under /api/v1/, as registered in the NinjaAPI (path templates, not URLs).
# (method, path,                                situation,
#    permission code           (anon  adm  ana  fed  eco  com  fund land aud)
API_MATRIX: list[tuple[str, str, str, str | None, tuple[str, ...]]] = [
    ("GET",  "/me",                                "",
     SIGNED_IN,                (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("PATCH", "/me",                               "",
     SIGNED_IN,                (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/organisations",                     "",
     SIGNED_IN,                (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/organisations/{pk}",                "own organisation",
     SIGNED_IN,                (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/organisations/{pk}",                "another organisation",
     "organisation.view_all",  (AUTH, OK,  OK,  OK,  OK,  HID, OK,  OK,  OK)),
    ("POST", "/organisations",                     "",
     "organisation.manage",    (AUTH, OK,  NO,  OK,  NO,  NO,  NO,  NO,  NO)),
    ("POST", "/tokens",                            "",
     SIGNED_IN,                (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/programmes",                        "",
     "programme.view",         (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/programmes/{code}",                 "",
     "programme.view",         (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/ecosystems",                        "",
     "programme.view",         (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/ecosystems/{code}",                 "",
     "programme.view",         (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/ecosystems/{code}/value-chain.csv", "",
     "programme.view",         (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("POST", "/ecosystems/{code}/value-chain",     "own ecosystem",
     "valuechain.edit",        (AUTH, OK,  NO,  OK,  OK,  NO,  NO,  NO,  NO)),
    ("POST", "/ecosystems/{code}/value-chain",     "other ecosystem",
     "valuechain.edit",        (AUTH, OK,  NO,  OK,  NO,  NO,  NO,  NO,  NO)),
    ("GET",  "/contracts",                         "",
     "programme.view",         (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/contracts/{code}",                  "",
     "programme.view",         (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/contracts/{code}/history",          "",
     "audit.view",             (AUTH, OK,  OK,  OK,  OK,  NO,  NO,  NO,  OK)),
    ("POST", "/contracts/{code}/targets",          "",
     "programme.manage",       (AUTH, OK,  NO,  NO,  NO,  NO,  NO,  NO,  NO)),
    ("PUT",  "/targets/{pk}/milestones/{year}",    "",
     "target.edit",            (AUTH, OK,  NO,  OK,  NO,  NO,  NO,  NO,  NO)),
    ("POST", "/contracts/{code}/amendments",       "",
     "contract.amend.propose", (AUTH, OK,  NO,  OK,  NO,  NO,  NO,  NO,  NO)),
    ("POST", "/amendments/{pk}/decision",          "proposed by someone else",
     "contract.amend.approve", (AUTH, OK,  NO,  OK,  NO,  NO,  NO,  NO,  NO)),
    ("POST", "/amendments/{pk}/decision",          "proposed by the actor",
     "contract.amend.approve", (AUTH, RULE, NO, RULE, NO,  NO,  NO,  NO,  NO)),
    # investments: projects
    ("GET",  "/projects",                          "",
     "investments.view",       (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("POST", "/projects",                          "own company",
     "project.create",         (AUTH, OK,  NO,  OK,  OK,  OK,  NO,  NO,  NO)),
    ("POST", "/projects",                          "another company",
     "project.create",         (AUTH, OK,  NO,  OK,  OK,  HID, NO,  NO,  NO)),
    ("GET",  "/projects/{code}",                   "own company's project",
     "investments.view",       (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/projects/{code}",                   "another company's project",
     "investments.view_all",   (AUTH, OK,  OK,  OK,  OK,  HID, OK,  OK,  OK)),
    ("PATCH", "/projects/{code}",                  "own company's project",
     "project.edit",           (AUTH, OK,  NO,  OK,  OK,  OK,  NO,  NO,  NO)),
    ("PATCH", "/projects/{code}",                  "own company's validated project",
     "project.edit",           (AUTH, OK,  NO,  OK,  OK,  LOCK, NO, NO,  NO)),
    ("PATCH", "/projects/{code}",                  "another company's project",
     "project.edit",           (AUTH, OK,  NO,  OK,  OK,  HID, NO,  NO,  NO)),
    ("POST", "/projects/{code}/transitions",       "identified to submitted",
     "project.edit",           (AUTH, OK,  NO,  OK,  OK,  OK,  NO,  NO,  NO)),
    ("POST", "/projects/{code}/transitions",       "submitted to validated",
     "project.edit",           (AUTH, OK,  NO,  OK,  OK,  NO,  NO,  NO,  NO)),
    ("POST", "/projects/{code}/transitions",       "submitted by the actor, to validated",
     "project.edit",           (AUTH, RULE, NO, RULE, RULE, NO, NO,  NO,  NO)),
    ("POST", "/projects/{code}/transitions",       "another company's project",
     "project.edit",           (AUTH, OK,  NO,  OK,  OK,  HID, NO,  NO,  NO)),
    ("GET",  "/projects/{code}/events",            "own company's project",
     "investments.view",       (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/projects/{code}/events",            "another company's project",
     "investments.view_all",   (AUTH, OK,  OK,  OK,  OK,  HID, OK,  OK,  OK)),
    # investments: the project bank
    ("GET",  "/sheets",                            "",
     "investments.view",       (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/sheets/{code}",                     "",
     "investments.view",       (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("POST", "/sheets",                            "",
     "projectbank.manage",     (AUTH, OK,  NO,  OK,  OK,  NO,  NO,  NO,  NO)),
    ("POST", "/sheets/{code}/status",              "",
     "projectbank.manage",     (AUTH, OK,  NO,  OK,  OK,  NO,  NO,  NO,  NO)),
    ("POST", "/sheets/{code}/projects",            "own company",
     "project.create",         (AUTH, OK,  NO,  OK,  OK,  OK,  NO,  NO,  NO)),
    ("POST", "/sheets/{code}/projects",            "another company",
     "project.create",         (AUTH, OK,  NO,  OK,  OK,  HID, NO,  NO,  NO)),
    # investments: declarations, imports, verification, jobs
    ("GET",  "/declarations",                      "",
     "investments.view",       (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("POST", "/declarations",                      "own company",
     "declaration.submit",     (AUTH, OK,  NO,  OK,  NO,  OK,  NO,  NO,  NO)),
    ("POST", "/declarations",                      "another company",
     "declaration.submit",     (AUTH, OK,  NO,  OK,  NO,  HID, NO,  NO,  NO)),
    ("GET",  "/imports",                           "",
     "investments.view",       (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("POST", "/imports",                           "company declarations",
     "declaration.submit",     (AUTH, OK,  NO,  OK,  NO,  OK,  NO,  NO,  NO)),
    ("POST", "/imports",                           "CNSS headcounts",
     "cnss.import",            (AUTH, OK,  OK,  NO,  NO,  NO,  NO,  NO,  NO)),
    ("GET",  "/imports/{pk}",                      "the actor's own import",
     "investments.view",       (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/imports/{pk}",                      "another company's import",
     "investments.view_all",   (AUTH, OK,  OK,  OK,  OK,  HID, OK,  OK,  OK)),
    ("GET",  "/imports/templates/{kind}.{fmt}",    "",
     SIGNED_IN,                (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/verification",                      "own company",
     "investments.view",       (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/verification",                      "another company",
     "investments.view_all",   (AUTH, OK,  OK,  OK,  OK,  HID, OK,  OK,  OK)),
    ("POST", "/verification/reconcile",            "own company",
     "verification.run",       (AUTH, OK,  OK,  OK,  NO,  NO,  NO,  NO,  NO)),
    ("GET",  "/jobs",                              "",
     "investments.view",       (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/jobs",                              "another company",
     "investments.view_all",   (AUTH, OK,  OK,  OK,  OK,  HID, OK,  OK,  OK)),
    ("GET",  "/regions",                           "",
     SIGNED_IN,                (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/monitoring/{code}/figures",          "",
     "monitoring.view",        (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("GET",  "/monitoring/{code}/tables/{key}",     "",
     "monitoring.view",        (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("GET",  "/monitoring/{code}/kpis/{indicator}", "",
     "monitoring.view",        (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("GET",  "/monitoring/{code}/iati.xml",         "",
     "monitoring.view",        (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("GET",  "/monitoring/{code}/periods",          "",
     "monitoring.view",        (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("POST", "/monitoring/{code}/periods",          "",
     "period.lock",            (AUTH, OK,  NO,  OK,  NO,  NO,  NO,  NO,  NO)),
    ("POST", "/monitoring/{code}/periods/{pk}/unlock", "",
     "period.lock",            (AUTH, OK,  NO,  OK,  NO,  NO,  NO,  NO,  NO)),
    ("POST", "/monitoring/{code}/unlocks/{pk}/decision", "requested by another person",
     "period.lock",            (AUTH, OK,  NO,  OK,  NO,  NO,  NO,  NO,  NO)),
    ("GET",  "/governance/committees",              "",
     "governance.view",        (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("GET",  "/governance/initiatives",             "",
     SIGNED_IN,                (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/governance/follow-up",               "",
     SIGNED_IN,                (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("POST", "/governance/committees", "",
     "governance.manage", (AUTH, OK,  NO,  OK,  NO,  NO,  NO,  NO,  NO)),
    ("POST", "/governance/committees/{pk}/members", "a committee the actor does not sit on",
     "governance.manage", (AUTH, OK,  NO,  HID, HID, HID, HID, HID, NO)),
    ("PUT", "/governance/committees/{pk}/chair", "a committee the actor does not sit on",
     "governance.manage", (AUTH, OK,  NO,  HID, HID, HID, HID, HID, NO)),
    ("POST", "/governance/committees/{pk}/meetings", "a committee the actor does not sit on",
     "governance.meet", (AUTH, OK,  NO,  HID, HID, HID, HID, HID, NO)),
    ("POST", "/governance/committees/{pk}/initiatives", "a committee the actor does not sit on",
     "governance.meet", (AUTH, OK,  NO,  HID, HID, HID, HID, HID, NO)),
    ("GET", "/governance/meetings/{pk}", "a committee the actor does not sit on",
     "governance.view", (AUTH, OK,  OK,  HID, HID, HID, HID, HID, OK)),
    ("PUT", "/governance/meetings/{pk}/minutes", "a committee the actor does not sit on",
     "governance.meet", (AUTH, OK,  NO,  HID, HID, HID, HID, HID, NO)),
    ("POST", "/governance/meetings/{pk}/approval", "a committee the actor does not sit on",
     "governance.meet", (AUTH, OK,  NO,  HID, HID, HID, HID, HID, NO)),
    ("PUT", "/governance/meetings/{pk}/attendance", "a committee the actor does not sit on",
     "governance.meet", (AUTH, OK,  NO,  HID, HID, HID, HID, HID, NO)),
    ("POST", "/governance/meetings/{pk}/decisions", "a committee the actor does not sit on",
     "governance.meet", (AUTH, OK,  NO,  HID, HID, HID, HID, HID, NO)),
    ("POST", "/governance/initiatives/{pk}/status", "an initiative of another organisation",
     "initiative.update", (AUTH, OK,  NO,  HID, HID, HID, HID, HID, NO)),
    ("POST", "/governance/initiatives/{pk}/notes", "an initiative of another organisation",
     "initiative.update", (AUTH, OK,  NO,  HID, HID, HID, HID, HID, NO)),
    ("PUT",  "/monitoring/{code}/thresholds",       "",
     "monitoring.configure",   (AUTH, OK,  NO,  NO,  NO,  NO,  NO,  NO,  NO)),
    # land: zones and occupancy (every role), requests (company users: their own company's), the optimiser (staff)
    ("GET",  "/land/zones",                         "",
     "land.view",              (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/land/zones/{code}",                  "",
     "land.view",              (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("POST", "/land/zones/import",                  "",
     "land.manage",            (AUTH, OK,  NO,  NO,  NO,  NO,  NO,  OK,  NO)),
    ("POST", "/land/parcels/import",                "",
     "land.manage",            (AUTH, OK,  NO,  NO,  NO,  NO,  NO,  OK,  NO)),
    ("GET",  "/land/occupancy",                     "",
     "land.view",              (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/land/requests",                      "",
     "land.view",              (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("POST", "/land/requests",                      "own company's project",
     "land.request",           (AUTH, OK,  NO,  NO,  NO,  OK,  NO,  OK,  NO)),
    ("POST", "/land/requests",                      "another company's project",
     "land.request",           (AUTH, OK,  NO,  NO,  NO,  HID, NO,  OK,  NO)),
    ("GET",  "/land/requests/{reference}",          "own company's land request",
     "land.view",              (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/land/requests/{reference}",          "another company's land request",
     "land.view_all",          (AUTH, OK,  OK,  OK,  OK,  HID, OK,  OK,  OK)),
    ("POST", "/land/requests/{reference}/reserve",  "own company's submitted land request",
     "land.allocate",          (AUTH, OK,  NO,  NO,  NO,  NO,  NO,  OK,  NO)),
    ("POST", "/land/requests/{reference}/allocate", "own company's reserved land request",
     "land.allocate",          (AUTH, OK,  NO,  NO,  NO,  NO,  NO,  OK,  NO)),
    ("POST", "/land/requests/{reference}/agreement", "own company's allocated land request",
     "land.allocate",          (AUTH, OK,  NO,  NO,  NO,  NO,  NO,  OK,  NO)),
    ("POST", "/land/requests/{reference}/built",    "own company's signed land request",
     "land.allocate",          (AUTH, OK,  NO,  NO,  NO,  NO,  NO,  OK,  NO)),
    ("POST", "/land/requests/{reference}/release",  "own company's allocated land request",
     "land.allocate",          (AUTH, OK,  NO,  NO,  NO,  NO,  NO,  OK,  NO)),
    ("POST", "/land/requests/{reference}/withdraw", "own company's submitted land request",
     "land.request",           (AUTH, OK,  NO,  NO,  NO,  OK,  NO,  OK,  NO)),
    ("POST", "/land/requests/{reference}/withdraw", "another company's land request",
     "land.request",           (AUTH, OK,  NO,  NO,  NO,  HID, NO,  OK,  NO)),
    ("GET",  "/land/proposals",                     "",
     "land.view_all",          (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("POST", "/land/proposals",                     "",
     "land.allocate",          (AUTH, OK,  NO,  NO,  NO,  NO,  NO,  OK,  NO)),
    ("GET",  "/land/proposals/{pk}",                "",
     "land.view_all",          (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("POST", "/land/proposals/{pk}/accept",         "",
     "land.allocate",          (AUTH, OK,  NO,  NO,  NO,  NO,  NO,  OK,  NO)),
    # grants: schemes, envelopes, applications (company users see their own company's), the simulator
    ("GET",  "/grants/schemes",                     "",
     "incentives.view",        (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/grants/schemes/{key}",               "",
     "incentives.view",        (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("POST", "/grants/schemes/{key}/versions",      "",
     "scheme.manage",          (AUTH, OK,  NO,  NO,  NO,  NO,  OK,  NO,  NO)),
    ("POST", "/grants/schemes/{key}/versions/{number}/close", "",
     "scheme.manage",          (AUTH, OK,  NO,  NO,  NO,  NO,  OK,  NO,  NO)),
    ("GET",  "/grants/envelopes",                   "",
     "incentives.view",        (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/grants/envelopes/{pk}",              "",
     "incentives.view",        (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("POST", "/grants/envelopes",                   "",
     "envelope.manage",        (AUTH, OK,  NO,  NO,  NO,  NO,  NO,  NO,  NO)),
    ("GET",  "/grants/applications",                "",
     "incentives.view",        (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("POST", "/grants/applications",                "own company's project",
     "grant.apply",            (AUTH, OK,  NO,  NO,  NO,  OK,  OK,  NO,  NO)),
    ("POST", "/grants/applications",                "another company's project",
     "grant.apply",            (AUTH, OK,  NO,  NO,  NO,  HID, OK,  NO,  NO)),
    ("GET",  "/grants/applications/{reference}",    "own company's application",
     "incentives.view",        (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/grants/applications/{reference}",    "another company's application",
     "incentives.view_all",    (AUTH, OK,  OK,  OK,  OK,  HID, OK,  OK,  OK)),
    ("PATCH", "/grants/applications/{reference}",   "own company's draft",
     "grant.apply",            (AUTH, OK,  NO,  NO,  NO,  OK,  OK,  NO,  NO)),
    ("PATCH", "/grants/applications/{reference}",   "another company's draft",
     "grant.apply",            (AUTH, OK,  NO,  NO,  NO,  HID, OK,  NO,  NO)),
    ("POST", "/grants/applications/{reference}/submit", "own company's draft",
     "grant.apply",            (AUTH, OK,  NO,  NO,  NO,  OK,  OK,  NO,  NO)),
    ("POST", "/grants/applications/{reference}/submit", "another company's draft",
     "grant.apply",            (AUTH, OK,  NO,  NO,  NO,  HID, OK,  NO,  NO)),
    ("POST", "/grants/applications/{reference}/review", "own company's submitted application",
     "grant.review",           (AUTH, OK,  NO,  NO,  NO,  NO,  OK,  NO,  NO)),
    # Four eyes on a grant is a permission refusal (403, code forbidden:four_eyes), not a 400.
    ("POST", "/grants/applications/{reference}/decision", "reviewed by another person",
     "grant.decide",           (AUTH, OK,  NO,  NO,  NO,  NO,  OK,  NO,  NO)),
    ("POST", "/grants/applications/{reference}/decision", "reviewed by the actor",
     "grant.decide",           (AUTH, NO,  NO,  NO,  NO,  NO,  NO,  NO,  NO)),
    ("POST", "/grants/applications/{reference}/signature", "own company's approved grant",
     "grant.decide",           (AUTH, OK,  NO,  NO,  NO,  NO,  OK,  NO,  NO)),
    ("GET",  "/grants/applications/{reference}/letter.pdf", "own company's approved grant",
     "incentives.view",        (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/grants/applications/{reference}/letter.pdf", "another company's approved grant",
     "incentives.view_all",    (AUTH, OK,  OK,  OK,  OK,  HID, OK,  OK,  OK)),
    ("POST", "/grants/applications/{reference}/proofs", "own company's signed grant",
     "grant.apply",            (AUTH, OK,  NO,  NO,  NO,  OK,  OK,  NO,  NO)),
    ("POST", "/grants/applications/{reference}/proofs", "another company's signed grant",
     "grant.apply",            (AUTH, OK,  NO,  NO,  NO,  HID, OK,  NO,  NO)),
    ("POST", "/grants/applications/{reference}/proofs/{pk}/verify", "a document added by another person",
     "grant.review",           (AUTH, OK,  NO,  NO,  NO,  NO,  OK,  NO,  NO)),
    ("POST", "/grants/applications/{reference}/proofs/{pk}/verify", "a document added by the actor",
     "grant.review",           (AUTH, NO,  NO,  NO,  NO,  NO,  NO,  NO,  NO)),
    ("POST", "/grants/applications/{reference}/tranches/{number}/release", "a tranche due",
     "grant.pay",              (AUTH, OK,  NO,  NO,  NO,  NO,  OK,  NO,  NO)),
    ("POST", "/grants/applications/{reference}/clawback", "paid, commitments not met",
     "grant.pay",              (AUTH, OK,  NO,  NO,  NO,  NO,  OK,  NO,  NO)),
    ("GET",  "/grants/simulation",                  "",
     "grant.simulate",         (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("POST", "/grants/simulation",                  "",
     "grant.simulate",         (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    # opportunities: staff read datasets and studies; the ministry brings trade files; analysts run studies
    ("GET",  "/opportunities/datasets",             "",
     "opportunity.view",       (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("POST", "/opportunities/datasets",             "",
     "trade.import",           (AUTH, OK,  OK,  NO,  NO,  NO,  NO,  NO,  NO)),
    ("GET",  "/opportunities/datasets/{code}",      "",
     "opportunity.view",       (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("POST", "/opportunities/datasets/{code}/imports", "",
     "trade.import",           (AUTH, OK,  OK,  NO,  NO,  NO,  NO,  NO,  NO)),
    ("GET",  "/opportunities/imports/{pk}",         "",
     "opportunity.view",       (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("GET",  "/opportunities/studies",              "",
     "opportunity.view",       (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("POST", "/opportunities/studies",              "",
     "opportunity.run",        (AUTH, OK,  OK,  OK,  NO,  NO,  NO,  NO,  NO)),
    ("GET",  "/opportunities/studies/{pk}",         "",
     "opportunity.view",       (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("GET",  "/opportunities/studies/{pk}/rows",    "",
     "opportunity.view",       (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("GET",  "/opportunities/studies/{pk}/products/{code}", "",
     "opportunity.view",       (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("POST", "/opportunities/studies/{pk}/sheets",  "project-bank rights needed too",
     "opportunity.run",        (AUTH, OK,  NO,  OK,  NO,  NO,  NO,  NO,  NO)),
]

# Every URL of ecosys.web.urls and ecosys.investments.urls, by name.
# (method, url name,                    situation,
#    permission code           (anon  adm  ana  fed  eco  com  fund land aud)
WEB_MATRIX: list[tuple[str, str, str, str | None, tuple[str, ...]]] = [
    ("GET",  "web:home",               "",
     "programme.view",         (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "web:account",            "",
     SIGNED_IN,                (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("POST", "web:account",            "",
     SIGNED_IN,                (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "web:programme",          "",
     "programme.view",         (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "web:ecosystem",          "",
     "programme.view",         (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "web:value_chain_csv",    "",
     "programme.view",         (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("POST", "web:value_chain_import", "own ecosystem",
     "valuechain.edit",        (AUTH, OK,  NO,  OK,  OK,  NO,  NO,  NO,  NO)),
    ("POST", "web:value_chain_import", "other ecosystem",
     "valuechain.edit",        (AUTH, OK,  NO,  OK,  NO,  NO,  NO,  NO,  NO)),
    ("GET",  "web:contract",           "",
     "programme.view",         (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("POST", "web:amendment_propose",  "",
     "contract.amend.propose", (AUTH, OK,  NO,  OK,  NO,  NO,  NO,  NO,  NO)),
    ("POST", "web:amendment_decide",   "proposed by someone else",
     "contract.amend.approve", (AUTH, OK,  NO,  OK,  NO,  NO,  NO,  NO,  NO)),
    ("POST", "web:amendment_decide",   "proposed by the actor",
     "contract.amend.approve", (AUTH, RULE, NO, RULE, NO,  NO,  NO,  NO,  NO)),
    ("POST", "web:milestone_set",      "",
     "target.edit",            (AUTH, OK,  NO,  OK,  NO,  NO,  NO,  NO,  NO)),
    # investments: projects
    ("GET",  "investments:project_list",       "",
     "investments.view",       (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "investments:project",            "own company's project",
     "investments.view",       (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "investments:project",            "another company's project",
     "investments.view_all",   (AUTH, OK,  OK,  OK,  OK,  HID, OK,  OK,  OK)),
    ("GET",  "investments:project_create",     "",
     "project.create",         (AUTH, OK,  NO,  OK,  OK,  OK,  NO,  NO,  NO)),
    ("POST", "investments:project_create",     "",
     "project.create",         (AUTH, OK,  NO,  OK,  OK,  OK,  NO,  NO,  NO)),
    ("GET",  "investments:project_edit",       "own company's project",
     "project.edit",           (AUTH, OK,  NO,  OK,  OK,  OK,  NO,  NO,  NO)),
    ("GET",  "investments:project_edit",       "another company's project",
     "project.edit",           (AUTH, OK,  NO,  OK,  OK,  HID, NO,  NO,  NO)),
    ("POST", "investments:project_edit",       "own company's project",
     "project.edit",           (AUTH, OK,  NO,  OK,  OK,  OK,  NO,  NO,  NO)),
    ("POST", "investments:project_edit",       "own company's validated project",
     "project.edit",           (AUTH, OK,  NO,  OK,  OK,  LOCK, NO, NO,  NO)),
    ("POST", "investments:project_edit",       "another company's project",
     "project.edit",           (AUTH, OK,  NO,  OK,  OK,  HID, NO,  NO,  NO)),
    ("POST", "investments:project_transition", "identified to submitted",
     "project.edit",           (AUTH, OK,  NO,  OK,  OK,  OK,  NO,  NO,  NO)),
    ("POST", "investments:project_transition", "submitted to validated",
     "project.edit",           (AUTH, OK,  NO,  OK,  OK,  NO,  NO,  NO,  NO)),
    ("POST", "investments:project_transition", "submitted by the actor, to validated",
     "project.edit",           (AUTH, RULE, NO, RULE, RULE, NO, NO,  NO,  NO)),
    ("POST", "investments:project_transition", "another company's project",
     "project.edit",           (AUTH, OK,  NO,  OK,  OK,  HID, NO,  NO,  NO)),
    # investments: the project bank
    ("GET",  "investments:sheet_list",         "",
     "investments.view",       (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "investments:sheet",              "",
     "investments.view",       (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("POST", "investments:sheet_take_up",      "",
     "project.create",         (AUTH, OK,  NO,  OK,  OK,  OK,  NO,  NO,  NO)),
    ("POST", "investments:sheet_status",       "",
     "projectbank.manage",     (AUTH, OK,  NO,  OK,  OK,  NO,  NO,  NO,  NO)),
    # investments: the company portal and declarations
    ("GET",  "investments:portal",             "",
     "investments.view",       (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "investments:company",            "own company",
     "investments.view",       (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "investments:company",            "another company",
     "investments.view_all",   (AUTH, OK,  OK,  OK,  OK,  HID, OK,  OK,  OK)),
    ("POST", "investments:declaration_add",    "own company",
     "declaration.submit",     (AUTH, OK,  NO,  OK,  NO,  OK,  NO,  NO,  NO)),
    ("POST", "investments:declaration_add",    "another company",
     "declaration.submit",     (AUTH, OK,  NO,  OK,  NO,  HID, NO,  NO,  NO)),
    # investments: imports, verification, jobs
    ("GET",  "investments:imports",            "",
     "investments.view",       (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("POST", "investments:import_upload",      "company declarations",
     "declaration.submit",     (AUTH, OK,  NO,  OK,  NO,  OK,  NO,  NO,  NO)),
    ("POST", "investments:import_upload",      "CNSS headcounts",
     "cnss.import",            (AUTH, OK,  OK,  NO,  NO,  NO,  NO,  NO,  NO)),
    ("GET",  "investments:import_batch",       "the actor's own import",
     "investments.view",       (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "investments:import_batch",       "another company's import",
     "investments.view_all",   (AUTH, OK,  OK,  OK,  OK,  HID, OK,  OK,  OK)),
    ("GET",  "investments:import_progress",    "the actor's own import",
     "investments.view",       (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "investments:import_progress",    "another company's import",
     "investments.view_all",   (AUTH, OK,  OK,  OK,  OK,  HID, OK,  OK,  OK)),
    ("GET",  "investments:import_template",    "",
     SIGNED_IN,                (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "investments:verification",       "own company",
     "investments.view",       (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "investments:verification",       "another company",
     "investments.view_all",   (AUTH, OK,  OK,  OK,  OK,  HID, OK,  OK,  OK)),
    ("POST", "investments:reconcile",          "own company",
     "verification.run",       (AUTH, OK,  OK,  OK,  NO,  NO,  NO,  NO,  NO)),
    ("GET",  "investments:jobs",               "",
     "investments.view",       (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "investments:jobs",               "another company",
     "investments.view_all",   (AUTH, OK,  OK,  OK,  OK,  HID, OK,  OK,  OK)),
    # monitoring: dashboards (staff), validated quarters (four eyes on unlocking), thresholds
    ("GET",  "monitoring:home",                "",
     "monitoring.view",        (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("GET",  "monitoring:programme",           "",
     "monitoring.view",        (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("GET",  "monitoring:ecosystem",           "",
     "monitoring.view",        (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("GET",  "monitoring:iati",                "",
     "monitoring.view",        (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("POST", "monitoring:period_lock",         "",
     "period.lock",            (AUTH, OK,  NO,  OK,  NO,  NO,  NO,  NO,  NO)),
    ("POST", "monitoring:period_unlock",       "",
     "period.lock",            (AUTH, OK,  NO,  OK,  NO,  NO,  NO,  NO,  NO)),
    ("POST", "monitoring:unlock_decide",       "requested by another person",
     "period.lock",            (AUTH, OK,  NO,  OK,  NO,  NO,  NO,  NO,  NO)),
    ("POST", "monitoring:thresholds",          "",
     "monitoring.configure",   (AUTH, OK,  NO,  NO,  NO,  NO,  NO,  NO,  NO)),
    # governance: the committee of the matrix seats FIMME and MICIEN, not the actors' organisations,
    # so only those who see every committee (ministry, auditors) see it; the ministry admin acts.
    ("GET",  "governance:committees",          "",
     "governance.view",        (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("GET",  "governance:mine",                "",
     SIGNED_IN,                (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("POST", "governance:committee_new",       "",
     "governance.manage",      (AUTH, OK,  NO,  OK,  NO,  NO,  NO,  NO,  NO)),
    ("GET",  "governance:committee",           "a committee the actor does not sit on",
     "governance.view",        (AUTH, OK,  OK,  HID, HID, HID, HID, HID, OK)),
    ("POST", "governance:member_add",          "a committee the actor does not sit on",
     "governance.manage",      (AUTH, OK,  NO,  HID, HID, HID, HID, HID, NO)),
    ("POST", "governance:chair_set",           "a committee the actor does not sit on",
     "governance.manage",      (AUTH, OK,  NO,  HID, HID, HID, HID, HID, NO)),
    ("POST", "governance:meeting_create",      "a committee the actor does not sit on",
     "governance.meet",        (AUTH, OK,  NO,  HID, HID, HID, HID, HID, NO)),
    ("POST", "governance:initiative_create",   "a committee the actor does not sit on",
     "governance.meet",        (AUTH, OK,  NO,  HID, HID, HID, HID, HID, NO)),
    ("GET",  "governance:meeting",             "a committee the actor does not sit on",
     "governance.view",        (AUTH, OK,  OK,  HID, HID, HID, HID, HID, OK)),
    ("GET",  "governance:minutes_pdf",         "a committee the actor does not sit on",
     "governance.view",        (AUTH, OK,  OK,  HID, HID, HID, HID, HID, OK)),
    ("POST", "governance:minutes_write",       "a committee the actor does not sit on",
     "governance.meet",        (AUTH, OK,  NO,  HID, HID, HID, HID, HID, NO)),
    ("POST", "governance:minutes_approve",     "a committee the actor does not sit on",
     "governance.meet",        (AUTH, OK,  NO,  HID, HID, HID, HID, HID, NO)),
    ("POST", "governance:decision_record",     "a committee the actor does not sit on",
     "governance.meet",        (AUTH, OK,  NO,  HID, HID, HID, HID, HID, NO)),
    ("POST", "governance:attendance_record",   "a committee the actor does not sit on",
     "governance.meet",        (AUTH, OK,  NO,  HID, HID, HID, HID, HID, NO)),
    ("GET",  "governance:initiative",          "an initiative of another organisation",
     "governance.view",        (AUTH, OK,  OK,  HID, HID, HID, HID, HID, OK)),
    ("POST", "governance:initiative_status",   "an initiative of another organisation",
     "initiative.update",      (AUTH, OK,  NO,  HID, HID, HID, HID, HID, NO)),
    ("POST", "governance:progress_note_add",   "an initiative of another organisation",
     "initiative.update",      (AUTH, OK,  NO,  HID, HID, HID, HID, HID, NO)),
    ("POST", "monitoring:report_request",      "",
     "monitoring.view",        (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("GET",  "monitoring:report",              "",
     "monitoring.view",        (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("GET",  "monitoring:report_pdf",          "",
     "monitoring.view",        (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    # incentives: grant applications (company users see their own company's), schemes, envelopes, simulator
    ("GET",  "incentives:applications",        "",
     "incentives.view",        (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "incentives:application_new",     "",
     "grant.apply",            (AUTH, OK,  NO,  NO,  NO,  OK,  OK,  NO,  NO)),
    ("POST", "incentives:application_new",     "own company's project",
     "grant.apply",            (AUTH, OK,  NO,  NO,  NO,  OK,  OK,  NO,  NO)),
    ("POST", "incentives:application_new",     "another company's project",
     "grant.apply",            (AUTH, OK,  NO,  NO,  NO,  HID, OK,  NO,  NO)),
    ("GET",  "incentives:application",         "own company's application",
     "incentives.view",        (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "incentives:application",         "another company's application",
     "incentives.view_all",    (AUTH, OK,  OK,  OK,  OK,  HID, OK,  OK,  OK)),
    ("GET",  "incentives:application_edit",    "own company's draft",
     "grant.apply",            (AUTH, OK,  NO,  NO,  NO,  OK,  OK,  NO,  NO)),
    ("POST", "incentives:application_edit",    "own company's draft",
     "grant.apply",            (AUTH, OK,  NO,  NO,  NO,  OK,  OK,  NO,  NO)),
    ("POST", "incentives:application_edit",    "another company's draft",
     "grant.apply",            (AUTH, OK,  NO,  NO,  NO,  HID, OK,  NO,  NO)),
    ("POST", "incentives:application_submit",  "own company's draft",
     "grant.apply",            (AUTH, OK,  NO,  NO,  NO,  OK,  OK,  NO,  NO)),
    ("POST", "incentives:application_review",  "own company's submitted application",
     "grant.review",           (AUTH, OK,  NO,  NO,  NO,  NO,  OK,  NO,  NO)),
    ("POST", "incentives:application_decide",  "reviewed by another person",
     "grant.decide",           (AUTH, OK,  NO,  NO,  NO,  NO,  OK,  NO,  NO)),
    ("POST", "incentives:application_decide",  "reviewed by the actor",
     "grant.decide",           (AUTH, RULE, NO, NO,  NO,  NO,  RULE, NO, NO)),
    ("POST", "incentives:application_sign",    "own company's approved grant",
     "grant.decide",           (AUTH, OK,  NO,  NO,  NO,  NO,  OK,  NO,  NO)),
    ("POST", "incentives:proof_add",           "own company's signed grant",
     "grant.apply",            (AUTH, OK,  NO,  NO,  NO,  OK,  OK,  NO,  NO)),
    ("POST", "incentives:proof_verify",        "a document added by another person",
     "grant.review",           (AUTH, OK,  NO,  NO,  NO,  NO,  OK,  NO,  NO)),
    ("GET",  "incentives:proof_file",          "own company's signed grant",
     "incentives.view",        (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("POST", "incentives:tranche_release",     "a tranche due",
     "grant.pay",              (AUTH, OK,  NO,  NO,  NO,  NO,  OK,  NO,  NO)),
    ("POST", "incentives:clawback_apply",      "paid, commitments not met",
     "grant.pay",              (AUTH, OK,  NO,  NO,  NO,  NO,  OK,  NO,  NO)),
    ("GET",  "incentives:letter",              "own company's approved grant",
     "incentives.view",        (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "incentives:schemes",             "",
     "incentives.view",        (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "incentives:scheme",              "",
     "incentives.view",        (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("POST", "incentives:version_add",         "after the version in force is closed",
     "scheme.manage",          (AUTH, OK,  NO,  NO,  NO,  NO,  OK,  NO,  NO)),
    ("POST", "incentives:version_close",       "",
     "scheme.manage",          (AUTH, OK,  NO,  NO,  NO,  NO,  OK,  NO,  NO)),
    ("GET",  "incentives:envelopes",           "",
     "incentives.view",        (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("POST", "incentives:envelope_new",        "",
     "envelope.manage",        (AUTH, OK,  NO,  NO,  NO,  NO,  NO,  NO,  NO)),
    ("GET",  "incentives:simulator",           "",
     "grant.simulate",         (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    # land: zones and plans (every role), requests (company users: their own company's), the optimiser (staff)
    ("GET",  "land:zones",                     "",
     "land.view",              (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "land:zone",                      "",
     "land.view",              (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("POST", "land:zones_import",              "",
     "land.manage",            (AUTH, OK,  NO,  NO,  NO,  NO,  NO,  OK,  NO)),
    ("POST", "land:parcels_import",            "",
     "land.manage",            (AUTH, OK,  NO,  NO,  NO,  NO,  NO,  OK,  NO)),
    ("GET",  "land:requests",                  "",
     "land.view",              (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "land:request_new",               "",
     "land.request",           (AUTH, OK,  NO,  NO,  NO,  OK,  NO,  OK,  NO)),
    ("POST", "land:request_new",               "own company's project",
     "land.request",           (AUTH, OK,  NO,  NO,  NO,  OK,  NO,  OK,  NO)),
    ("POST", "land:request_new",               "another company's project",
     "land.request",           (AUTH, OK,  NO,  NO,  NO,  HID, NO,  OK,  NO)),
    ("GET",  "land:request",                   "own company's land request",
     "land.view",              (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "land:request",                   "another company's land request",
     "land.view_all",          (AUTH, OK,  OK,  OK,  OK,  HID, OK,  OK,  OK)),
    ("POST", "land:request_reserve",           "own company's submitted land request",
     "land.allocate",          (AUTH, OK,  NO,  NO,  NO,  NO,  NO,  OK,  NO)),
    ("POST", "land:request_allocate",          "own company's reserved land request",
     "land.allocate",          (AUTH, OK,  NO,  NO,  NO,  NO,  NO,  OK,  NO)),
    ("POST", "land:request_sign",              "own company's allocated land request",
     "land.allocate",          (AUTH, OK,  NO,  NO,  NO,  NO,  NO,  OK,  NO)),
    ("POST", "land:request_built",             "own company's signed land request",
     "land.allocate",          (AUTH, OK,  NO,  NO,  NO,  NO,  NO,  OK,  NO)),
    ("POST", "land:request_release",           "own company's allocated land request",
     "land.allocate",          (AUTH, OK,  NO,  NO,  NO,  NO,  NO,  OK,  NO)),
    ("POST", "land:request_withdraw",          "own company's submitted land request",
     "land.request",           (AUTH, OK,  NO,  NO,  NO,  OK,  NO,  OK,  NO)),
    ("POST", "land:request_withdraw",          "another company's land request",
     "land.request",           (AUTH, OK,  NO,  NO,  NO,  HID, NO,  OK,  NO)),
    ("GET",  "land:optimiser",                 "",
     "land.view_all",          (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("POST", "land:optimiser",                 "",
     "land.allocate",          (AUTH, OK,  NO,  NO,  NO,  NO,  NO,  OK,  NO)),
    ("GET",  "land:proposal",                  "",
     "land.view_all",          (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("POST", "land:proposal_accept",           "",
     "land.allocate",          (AUTH, OK,  NO,  NO,  NO,  NO,  NO,  OK,  NO)),
    # opportunities: staff read datasets and studies; the ministry brings trade files; analysts run studies
    ("GET",  "opportunities:home",             "",
     "opportunity.view",       (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("POST", "opportunities:study_new",        "",
     "opportunity.run",        (AUTH, OK,  OK,  OK,  NO,  NO,  NO,  NO,  NO)),
    ("GET",  "opportunities:study",            "",
     "opportunity.view",       (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("GET",  "opportunities:study_xlsx",       "",
     "opportunity.view",       (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("GET",  "opportunities:study_ecosystems", "",
     "opportunity.view",       (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("POST", "opportunities:study_sheets",     "project-bank rights needed too",
     "opportunity.run",        (AUTH, OK,  NO,  OK,  NO,  NO,  NO,  NO,  NO)),
    ("GET",  "opportunities:product",          "",
     "opportunity.view",       (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("GET",  "opportunities:datasets",         "",
     "opportunity.view",       (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("POST", "opportunities:dataset_new",      "",
     "trade.import",           (AUTH, OK,  OK,  NO,  NO,  NO,  NO,  NO,  NO)),
    ("GET",  "opportunities:dataset",          "",
     "opportunity.view",       (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
    ("POST", "opportunities:dataset_import",   "",
     "trade.import",           (AUTH, OK,  OK,  NO,  NO,  NO,  NO,  NO,  NO)),
    ("GET",  "opportunities:import",           "",
     "opportunity.view",       (AUTH, OK,  OK,  OK,  OK,  NO,  OK,  OK,  OK)),
]
# fmt: on

# Rows whose allowed roles are narrower than their permission code because of a scoping rule.
SCOPED_SITUATIONS = {
    "a committee the actor does not sit on",
    "an initiative of another organisation",
    "another organisation",
    "other ecosystem",
    "proposed by the actor",
    "another company",
    "another company's project",
    "another company's import",
    "own company's validated project",
    "submitted to validated",
    "submitted by the actor, to validated",
    "another company's draft",
    "reviewed by the actor",
    "another company's signed grant",
    "a document added by the actor",
    "another company's land request",
    "project-bank rights needed too",
}


# --------------------------------------------------------------------------------------------------
# The world each case runs in, and the request each row sends
# --------------------------------------------------------------------------------------------------


@dataclass
class World:
    contract: PerformanceContract
    actor: User | None
    proposer: User
    client: Client
    jobs: Target = field(init=False)

    def __post_init__(self) -> None:
        self.jobs = self.contract.targets.get(indicator__code="JOBS_CREATED")


@dataclass
class Call:
    """One request: where, what, and what it must change when allowed (nothing when refused)."""

    url: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    state: Callable[[], Any] | None = None  # a snapshot of what an allowed write changes
    success_url: str | Callable[[], str] | None = None  # pages: where an allowed request redirects (None: 200)
    reasons: list[Any] = field(default_factory=list)  # pages: refusal messages particular to the row (or makers)


def _json(payload: dict[str, Any]) -> dict[str, Any]:
    return {"data": payload, "content_type": "application/json"}


NEW_COMPANY_ICE = "001561191000066"


def _value_chain_file(code: str) -> SimpleUploadedFile:
    """The ecosystem's exported value chain plus one product, so an allowed import changes something."""
    ecosystem = Ecosystem.objects.get(code=code)
    text = selectors.value_chain_csv(ecosystem=ecosystem)
    tier = ecosystem.tiers.order_by("position").first()
    text += f"{tier.name_fr},Articles en cuivre,7419\n"
    return SimpleUploadedFile(f"{code}.csv", text.encode(), content_type="text/csv")


def _products(code: str) -> Callable[[], int]:
    return lambda: ActivityProduct.objects.filter(activity__tier__ecosystem__code=code).count()


def _amendment(world: World, *, by_actor: bool) -> ContractAmendment:
    amendment = contract_amendment_propose(
        actor=world.proposer,
        contract=world.contract,
        reason="Révision de l'objectif d'emplois",
        changes={"targets": [{"id": world.jobs.pk, "horizon_value": "15000"}]},
    )
    if by_actor and world.actor is not None:
        ContractAmendment.objects.filter(pk=amendment.pk).update(proposed_by=world.actor)
    return amendment


def _decision_state(amendment: ContractAmendment) -> Callable[[], Any]:
    def snapshot() -> Any:
        amendment.refresh_from_db()
        contract = PerformanceContract.objects.get(pk=amendment.contract_id)
        return (
            amendment.status,
            amendment.decided_by_id,
            contract.version,
            Target.objects.get(contract=contract, indicator__code="JOBS_CREATED").horizon_value,
        )

    return snapshot


def _milestone_state(target: Target, year: int) -> Callable[[], Any]:
    return lambda: Milestone.objects.get(target=target, year=year).override_value


# --------------------------------------------------------------------------------------------------
# Investments: companies, projects, sheets, imports the rows act on
# --------------------------------------------------------------------------------------------------

OWN_COMPANY_ICE, OTHER_COMPANY_ICE = make_ice(801), make_ice(802)


def _is_company_user(world: World) -> bool:
    return world.actor is not None and world.actor.memberships.filter(role=Role.COMPANY_USER).exists()


def _company(world: World, *, own: bool = True) -> Organisation:
    """The actor's company for a company user; otherwise a company the actor has no tie to."""
    if own and _is_company_user(world):
        return world.actor.memberships.get().organisation
    ice = OWN_COMPANY_ICE if own else OTHER_COMPANY_ICE
    company, _created = Organisation.objects.get_or_create(
        ice=ice, defaults={"kind": Organisation.Kind.COMPANY, "name": f"Fonderie {ice[-4:]}"}
    )
    return company


def _situation_company(world: World, situation: str) -> Organisation:
    return _company(world, own=not situation.startswith("another"))


def _project(world: World, situation: str) -> InvestmentProject:
    """A project of the situation's company, moved as far as the situation needs."""
    province = Province.objects.select_related("region").get(code="06.01")
    project = project_create(
        actor=None,
        company=_situation_company(world, situation),
        name="Fonderie de Berrechid",
        ecosystem=Ecosystem.objects.get(code=OWN_ECOSYSTEM),
        region=province.region,
        province=province,
        investment_mad=Decimal("50000000"),
    )
    steps = {
        "submitted to validated": [Status.SUBMITTED],
        "submitted by the actor, to validated": [Status.SUBMITTED],
        "own company's validated project": [Status.SUBMITTED, Status.VALIDATED],
    }.get(situation, [])
    for target in steps:
        project = project_transition(actor=None, project=project, target=target)
    if situation == "submitted by the actor, to validated" and world.actor is not None:
        InvestmentProject.objects.filter(pk=project.pk).update(submitted_by=world.actor)
    return project


def _transition(situation: str) -> tuple[Status, Status]:
    if situation in {"submitted to validated", "submitted by the actor, to validated"}:
        return Status.SUBMITTED, Status.VALIDATED
    return Status.IDENTIFIED, Status.SUBMITTED


def _transition_reasons(situation: str) -> list[Any]:
    """The refusal of a move the actor's role may not make, formatted in the language it is read in."""
    source, target = _transition(situation)
    return [lambda: TRANSITION_ROLE % {"source": source.label, "target": target.label}]


def _status(project: InvestmentProject) -> Callable[[], Any]:
    return lambda: InvestmentProject.objects.get(pk=project.pk).status


def _project_name(project: InvestmentProject) -> Callable[[], Any]:
    return lambda: InvestmentProject.objects.get(pk=project.pk).name


def _project_count() -> int:
    return InvestmentProject.objects.count()


def _latest_project_url() -> str:
    return reverse("investments:project", kwargs={"code": InvestmentProject.objects.latest("pk").code})


def _sheet() -> OpportunitySheet:
    return sheet_create(
        actor=None,
        code="BQ-MATRIX",
        ecosystem=Ecosystem.objects.get(code=OWN_ECOSYSTEM),
        name_fr="Billettes d'acier à partir de ferrailles",
        hs_codes=["7207"],
        indicative_investment_mad="30000000",
    )


def _sheet_status(sheet: OpportunitySheet) -> Callable[[], Any]:
    return lambda: OpportunitySheet.objects.get(pk=sheet.pk).status


def _batch(world: World, situation: str) -> ImportBatch:
    """An import made by the actor, or by someone else for another company."""
    if situation == "the actor's own import":
        return ImportBatch.objects.create(
            kind=ImportBatch.Kind.DECLARATIONS, filename="mine.csv", sha256="0" * 64, created_by=world.actor
        )
    return ImportBatch.objects.create(
        kind=ImportBatch.Kind.DECLARATIONS,
        filename="theirs.csv",
        sha256="1" * 64,
        created_by=world.proposer,
        company=_company(world, own=False),
    )


def _import_file(world: World, situation: str) -> dict[str, Any]:
    ice = _company(world).ice
    if situation == "CNSS headcounts":
        kind, text = "cnss", f"ice,month,headcount\n{ice},2019-01,120\n"
    else:
        kind, text = "declarations", f"ice,month,headcount\n{ice},2019-01,118\n"
    return {"kind": kind, "file": SimpleUploadedFile(f"{kind}.csv", text.encode(), content_type="text/csv")}


def _batch_count() -> int:
    return ImportBatch.objects.count()


def _declaration_count() -> int:
    return Declaration.objects.count()


def _unreconciled(world: World) -> Callable[[], Any]:
    """A company declaration that agrees with CNSS but is not yet marked verified."""
    company = _company(world)
    declared = Declaration.objects.create(company=company, month=date(2019, 1, 1), source=Source.COMPANY, headcount=100)
    Declaration.objects.create(
        company=company,
        month=date(2019, 1, 1),
        source=Source.CNSS,
        headcount=101,
        verification=Declaration.Verification.RECORD,
    )
    return lambda: Declaration.objects.get(pk=declared.pk).verification


def _own_organisation(world: World) -> int:
    if world.actor is None:
        return Organisation.objects.get(acronym="MICIEN").pk
    return world.actor.memberships.get().organisation_id


API = "/api/v1"


def api_call(world: World, method: str, path: str, situation: str) -> Call:
    key = (method, path, situation)
    contract = world.contract
    if key == ("GET", "/organisations/{pk}", "own organisation"):
        return Call(f"{API}/organisations/{_own_organisation(world)}")
    if key == ("GET", "/organisations/{pk}", "another organisation"):
        return Call(f"{API}/organisations/{Organisation.objects.get(acronym='MICIEN').pk}")
    if key == ("POST", "/organisations", ""):
        payload = {"kind": "company", "name": "Fonderie Nouvelle SA", "acronym": "FNSA", "ice": NEW_COMPANY_ICE}
        return Call(
            f"{API}/organisations", _json(payload), lambda: Organisation.objects.filter(ice=NEW_COMPANY_ICE).count()
        )
    if key == ("POST", "/tokens", ""):
        return Call(f"{API}/tokens", _json({"name": "matrix"}), lambda: ApiToken.objects.filter(name="matrix").count())
    if key == ("PATCH", "/me", ""):
        arabic = User.objects.filter(preferred_language="ar")
        return Call(f"{API}/me", _json({"preferred_language": "ar"}), arabic.count)
    if key == ("GET", "/programmes/{code}", ""):
        return Call(f"{API}/programmes/{contract.sector.programme.code}")
    if key == ("GET", "/ecosystems/{code}", ""):
        return Call(f"{API}/ecosystems/{OWN_ECOSYSTEM}")
    if key == ("GET", "/ecosystems/{code}/value-chain.csv", ""):
        return Call(f"{API}/ecosystems/{OWN_ECOSYSTEM}/value-chain.csv")
    if method == "POST" and path == "/ecosystems/{code}/value-chain":
        code = OWN_ECOSYSTEM if situation == "own ecosystem" else OTHER_ECOSYSTEM
        return Call(
            f"{API}/ecosystems/{code}/value-chain", {"data": {"file": _value_chain_file(code)}}, _products(code)
        )
    if key == ("GET", "/contracts/{code}", ""):
        return Call(f"{API}/contracts/{contract.code}")
    if key == ("GET", "/contracts/{code}/history", ""):
        return Call(f"{API}/contracts/{contract.code}/history")
    if key == ("POST", "/contracts/{code}/targets", ""):
        payload = {
            "indicator": "EXPORTS",
            "baseline_value": "2200000000",
            "baseline_year": 2015,
            "horizon_value": "3000000000",
            "source": "matrix",
        }
        return Call(f"{API}/contracts/{contract.code}/targets", _json(payload), lambda: contract.targets.count())
    if key == ("PUT", "/targets/{pk}/milestones/{year}", ""):
        payload = {"value": "5000", "reason": "Chiffres CNSS 2017"}
        return Call(
            f"{API}/targets/{world.jobs.pk}/milestones/2017", _json(payload), _milestone_state(world.jobs, 2017)
        )
    if key == ("POST", "/contracts/{code}/amendments", ""):
        payload = {"reason": "Révision", "targets": [{"id": world.jobs.pk, "horizon_value": "15000"}]}
        return Call(f"{API}/contracts/{contract.code}/amendments", _json(payload), lambda: contract.amendments.count())
    if method == "POST" and path == "/amendments/{pk}/decision":
        amendment = _amendment(world, by_actor=situation == "proposed by the actor")
        return Call(
            f"{API}/amendments/{amendment.pk}/decision",
            _json({"approve": True, "note": "Vu"}),
            _decision_state(amendment),
        )
    investments = _investments_api_call(world, method, path, situation)
    if investments is not None:
        return investments
    if path.startswith("/grants/"):
        return _grants_api_call(world, method, path, situation)
    if path.startswith("/monitoring/"):
        return _monitoring_api_call(world, method, path)
    if path.startswith("/governance/"):
        return _governance_api_call(world, method, path)
    if path.startswith("/land/"):
        return _land_api_call(world, method, path, situation)
    if path.startswith("/opportunities/"):
        return _opportunities_api_call(world, method, path)
    if method == "GET" and "{" not in path:
        return Call(f"{API}{path}")
    raise AssertionError(f"No request written for {key}: add one to api_call().")


def _investments_api_call(world: World, method: str, path: str, situation: str) -> Call | None:
    key = (method, path)
    if key == ("POST", "/projects"):
        payload = {
            "company": _situation_company(world, situation).ice,
            "name": "Fonderie de Berrechid",
            "ecosystem": OWN_ECOSYSTEM,
            "province": "06.01",
            "investment_mad": "50000000",
            "plan": [{"year": 2019, "jobs": 40}],
        }
        return Call(f"{API}/projects", _json(payload), _project_count)
    if path.startswith("/projects/{code}"):
        project = _project(world, situation)
        url = f"{API}/projects/{project.code}"
        if key == ("PATCH", "/projects/{code}"):
            return Call(url, _json({"name": "Fonderie de Berrechid II"}), _project_name(project))
        if key == ("POST", "/projects/{code}/transitions"):
            return Call(f"{url}/transitions", _json({"target": _transition(situation)[1]}), _status(project))
        return Call(url + path.removeprefix("/projects/{code}"))
    if key == ("GET", "/sheets/{code}"):
        return Call(f"{API}/sheets/{_sheet().code}")
    if key == ("POST", "/sheets"):
        payload = {"code": "BQ-MATRIX-NEW", "ecosystem": OWN_ECOSYSTEM, "name_fr": "Tubes soudés", "hs_codes": ["7306"]}
        return Call(f"{API}/sheets", _json(payload), lambda: OpportunitySheet.objects.count())
    if key == ("POST", "/sheets/{code}/status"):
        sheet = _sheet()
        return Call(f"{API}/sheets/{sheet.code}/status", _json({"status": "withdrawn"}), _sheet_status(sheet))
    if key == ("POST", "/sheets/{code}/projects"):
        payload = {"company": _situation_company(world, situation).ice, "province": "06.01"}
        return Call(f"{API}/sheets/{_sheet().code}/projects", _json(payload), _project_count)
    if key == ("POST", "/declarations"):
        payload = {"company": _situation_company(world, situation).ice, "month": "2019-01", "headcount": 120}
        return Call(f"{API}/declarations", _json(payload), _declaration_count)
    if key == ("POST", "/imports"):
        return Call(f"{API}/imports", {"data": _import_file(world, situation)}, _batch_count)
    if key == ("GET", "/imports/{pk}"):
        return Call(f"{API}/imports/{_batch(world, situation).pk}")
    if key == ("GET", "/imports/templates/{kind}.{fmt}"):
        return Call(f"{API}/imports/templates/declarations.xlsx?lang=ar")
    if key == ("GET", "/verification"):
        return Call(f"{API}/verification?company={_situation_company(world, situation).ice}")
    if key == ("POST", "/verification/reconcile"):
        state = _unreconciled(world)
        return Call(f"{API}/verification/reconcile", _json({"company": _company(world).ice}), state)
    if key == ("GET", "/jobs") and situation == "another company":
        return Call(f"{API}/jobs?scope=company&code={_company(world, own=False).ice}&as_of=2019-12-31")
    return None


def _grants_api_call(world: World, method: str, path: str, situation: str) -> Call:
    """The grants API rows: an application taken to the row's step by ``_grant``, then the request."""
    from ecosys.incentives import services as grants
    from ecosys.incentives.models import Application, Clawback, Envelope, InvestmentProof, Payment, SchemeVersion

    base = f"{API}/grants"
    programme = world.contract.sector.programme
    fdii = SchemeVersion.objects.get(scheme__key="fdii_2015", number=1)
    if method == "GET" and path in {"/grants/schemes", "/grants/envelopes", "/grants/applications"}:
        return Call(f"{API}{path}")
    if path == "/grants/schemes/{key}":
        return Call(f"{base}/schemes/fdii_2015")
    if path == "/grants/schemes/{key}/versions":
        payload = {"rules": {**fdii.rules, "name": "Fonds pilote"}, "note": "Pilote"}
        return Call(f"{base}/schemes/pilot_2030/versions", _json(payload), lambda: SchemeVersion.objects.count())
    if path == "/grants/schemes/{key}/versions/{number}/close":
        return Call(
            f"{base}/schemes/fdii_2015/versions/1/close",
            _json({"valid_to": "2030-12-31"}),
            lambda: SchemeVersion.objects.get(pk=fdii.pk).valid_to,
        )
    if path == "/grants/envelopes/{pk}":
        return Call(f"{base}/envelopes/{grants.envelopes_from_commitments(programme).pk}")
    if path == "/grants/envelopes":
        payload = {"programme": programme.code, "name": "FDII · IMM-VAL", "amount_mad": "100000000"}
        payload |= {"scheme": "fdii_2015", "ecosystem": OWN_ECOSYSTEM}
        return Call(f"{base}/envelopes", _json(payload), lambda: Envelope.objects.count())
    if path == "/grants/simulation":
        if method == "GET":
            return Call(f"{base}/simulation?programme={programme.code}&scheme=fdii_2015")
        return Call(f"{base}/simulation", _json({"programme": programme.code, "scheme": "fdii_2015"}))
    if path == "/grants/applications":
        project = _project(world, "another company's project" if situation.startswith("another") else "")
        payload = {"project": project.code, "scheme": "fdii_2015", "applied_on": "2016-05-01", "facts": GRANT_FACTS}
        return Call(f"{base}/applications", _json(payload), lambda: Application.objects.count())
    step = {
        "/grants/applications/{reference}": "draft" if method == "PATCH" else "submitted",
        "/grants/applications/{reference}/submit": "draft",
        "/grants/applications/{reference}/review": "submitted",
        "/grants/applications/{reference}/decision": "reviewed",
        "/grants/applications/{reference}/signature": "approved",
        "/grants/applications/{reference}/letter.pdf": "approved",
        "/grants/applications/{reference}/proofs": "signed",
        "/grants/applications/{reference}/proofs/{pk}/verify": "signed",
        "/grants/applications/{reference}/tranches/{number}/release": "signed",
        "/grants/applications/{reference}/clawback": "paid",
    }[path]
    grants.envelopes_from_commitments(programme)  # a decision commits the programme's envelope
    application = _grant(world, situation, step)
    url = f"{base}/applications/{application.reference}"

    def state() -> Any:
        a = Application.objects.get(pk=application.pk)
        return a.status, a.facts, a.decided_by_id, list(Envelope.objects.values_list("committed_mad", "paid_mad"))

    if method == "GET":
        query = "?lang=ar" if path.endswith("letter.pdf") else ""
        return Call(url + path.removeprefix("/grants/applications/{reference}") + query)
    if method == "PATCH":
        return Call(url, _json({"facts": {**GRANT_FACTS, "stable_jobs": 300}}), state)
    if path.endswith("/proofs"):
        payload = {"category": "equipment", "amount_mad": "1000000", "description": "Facture presse"}
        return Call(f"{url}/proofs", _json(payload), lambda: InvestmentProof.objects.count())
    if path.endswith("/verify"):
        proof = _proof(world, application)
        if situation == "a document added by the actor" and world.actor is not None:
            InvestmentProof.objects.filter(pk=proof.pk).update(added_by=world.actor)
        verified = lambda: InvestmentProof.objects.get(pk=proof.pk).verified_by_id  # noqa: E731
        return Call(f"{url}/proofs/{proof.pk}/verify", _json({}), verified)
    if path.endswith("/release"):
        return Call(f"{url}/tranches/1/release", _json({}), lambda: Payment.objects.count())
    if path.endswith("/clawback"):
        return Call(f"{url}/clawback", _json({"reason": "Emplois non créés"}), lambda: Clawback.objects.count())
    payload = {
        "/submit": {},
        "/review": {"note": "Dossier complet", "agreed_rate": "0.2"},
        "/decision": {"approve": True},
        "/signature": {"signed_on": timezone.localdate().isoformat()},
    }[path.removeprefix("/grants/applications/{reference}")]
    return Call(url + path.removeprefix("/grants/applications/{reference}"), _json(payload), state)


def web_call(world: World, method: str, name: str, situation: str) -> Call:
    contract = world.contract
    contract_url = reverse("web:contract", kwargs={"code": contract.code})
    if name == "web:home":
        return Call(
            reverse(name), success_url=reverse("web:programme", kwargs={"code": contract.sector.programme.code})
        )
    if name == "web:account" and method == "POST":
        return Call(
            reverse(name),
            {"data": {"preferred_language": "ar"}},
            lambda: sorted(User.objects.values_list("pk", "preferred_language")),
            reverse(name),
        )
    if name == "web:account":
        return Call(reverse(name))
    if name == "web:programme":
        return Call(reverse(name, kwargs={"code": contract.sector.programme.code}))
    if name in {"web:ecosystem", "web:value_chain_csv"}:
        return Call(reverse(name, kwargs={"code": OWN_ECOSYSTEM}))
    if name == "web:value_chain_import":
        code = OWN_ECOSYSTEM if situation == "own ecosystem" else OTHER_ECOSYSTEM
        return Call(
            reverse(name, kwargs={"code": code}),
            {"data": {"file": _value_chain_file(code)}},
            _products(code),
            success_url=reverse("web:ecosystem", kwargs={"code": code}),
        )
    if name == "web:contract":
        return Call(contract_url)
    if name == "web:amendment_propose":
        data = {"reason": "Révision", f"target_{world.jobs.pk}": "15000"}
        return Call(
            reverse(name, kwargs={"code": contract.code}),
            {"data": data},
            lambda: contract.amendments.count(),
            contract_url,
        )
    if name == "web:amendment_decide":
        amendment = _amendment(world, by_actor=situation == "proposed by the actor")
        return Call(
            reverse(name, kwargs={"pk": amendment.pk}),
            {"data": {"decision": "approve", "note": "Vu"}},
            _decision_state(amendment),
            contract_url,
        )
    if name == "web:milestone_set":
        return Call(
            reverse(name, kwargs={"pk": world.jobs.pk, "year": 2017}),
            {"data": {"value": "5000", "reason": "Chiffres CNSS 2017"}},
            _milestone_state(world.jobs, 2017),
            contract_url,
        )
    if name.startswith("investments:"):
        return _investments_web_call(world, method, name, situation)
    if name.startswith("monitoring:"):
        return _monitoring_web_call(world, name)
    if name.startswith("governance:"):
        return _governance_web_call(world, name)
    if name.startswith("incentives:"):
        return _incentives_web_call(world, method, name, situation)
    if name.startswith("land:"):
        return _land_web_call(world, method, name, situation)
    if name.startswith("opportunities:"):
        return _opportunities_web_call(world, name)
    raise AssertionError(f"No request written for {name}: add one to web_call().")


def _investments_web_call(world: World, method: str, name: str, situation: str) -> Call:
    if name == "investments:project_create" and method == "POST":
        data = {
            "company": _company(world).ice,
            "name": "Fonderie de Berrechid",
            "ecosystem": OWN_ECOSYSTEM,
            "province": "06.01",
            "investment_mad": "50000000",
            "plan_0_year": "2019",
            "plan_0_jobs": "40",
        }
        return Call(reverse(name), {"data": data}, _project_count, _latest_project_url)
    if name in {"investments:project", "investments:project_edit", "investments:project_transition"}:
        project = _project(world, situation)
        url = reverse(name, kwargs={"code": project.code})
        page = reverse("investments:project", kwargs={"code": project.code})
        if name == "investments:project_edit" and method == "POST":
            data = {"name": "Fonderie de Berrechid II", "ecosystem": OWN_ECOSYSTEM, "province": "06.01"}
            data["investment_mad"] = "50000000"
            return Call(url, {"data": data}, _project_name(project), page)
        if name == "investments:project_transition":
            data = {"target": _transition(situation)[1], "reason": ""}
            return Call(url, {"data": data}, _status(project), page, reasons=_transition_reasons(situation))
        return Call(url)
    if name == "investments:sheet":
        return Call(reverse(name, kwargs={"code": _sheet().code}))
    if name == "investments:sheet_take_up":
        data = {"company": _company(world).ice, "province": "06.01"}
        return Call(reverse(name, kwargs={"code": _sheet().code}), {"data": data}, _project_count, _latest_project_url)
    if name == "investments:sheet_status":
        sheet = _sheet()
        url = reverse(name, kwargs={"code": sheet.code})
        return Call(url, {"data": {"status": "withdrawn"}}, _sheet_status(sheet), url.removesuffix("status"))
    if name == "investments:portal":
        if _is_company_user(world):
            return Call(reverse(name), success_url=reverse("investments:company", kwargs={"ice": _company(world).ice}))
        return Call(reverse(name))
    if name == "investments:company":
        return Call(reverse(name, kwargs={"ice": _situation_company(world, situation).ice}))
    if name == "investments:declaration_add":
        ice = _situation_company(world, situation).ice
        return Call(
            reverse(name, kwargs={"ice": ice}),
            {"data": {"month": "2019-01", "headcount": "120"}},
            _declaration_count,
            reverse("investments:company", kwargs={"ice": ice}),
        )
    if name == "investments:import_upload":
        latest = lambda: reverse("investments:import_batch", kwargs={"pk": ImportBatch.objects.latest("pk").pk})  # noqa: E731
        return Call(reverse(name), {"data": _import_file(world, situation)}, _batch_count, latest)
    if name in {"investments:import_batch", "investments:import_progress"}:
        return Call(reverse(name, kwargs={"pk": _batch(world, situation).pk}))
    if name == "investments:import_template":
        return Call(reverse(name, kwargs={"kind": "cnss", "fmt": "csv"}) + "?lang=fr")
    if name == "investments:verification":
        return Call(reverse(name) + f"?company={_situation_company(world, situation).ice}")
    if name == "investments:reconcile":
        state = _unreconciled(world)
        ice = _company(world).ice
        url = reverse("investments:verification") + f"?company={ice}"
        return Call(reverse(name), {"data": {"company": ice}}, state, url)
    if name == "investments:jobs" and situation == "another company":
        return Call(reverse(name) + f"?scope=company&code={_company(world, own=False).ice}")
    if method == "GET" and name in {"investments:project_list", "investments:sheet_list", "investments:imports"}:
        return Call(reverse(name))
    if name in {"investments:project_create", "investments:jobs"}:
        return Call(reverse(name))
    raise AssertionError(f"No request written for {name}: add one to _investments_web_call().")


# --------------------------------------------------------------------------------------------------
# Incentives: grant applications at the step each row needs, schemes, envelopes
# --------------------------------------------------------------------------------------------------

GRANT_FACTS = {
    "investment": {"land": "10000000", "buildings": "20000000", "equipment": "60000000"},
    "stable_jobs": 250,
    "agreement_signed": True,
}
GRANT_FORM = {
    "investment_land": "10000000",
    "investment_buildings": "20000000",
    "investment_equipment": "60000000",
    "stable_jobs": "250",
    "agreement_signed": "on",
}
GRANT_STEPS = ("draft", "submitted", "reviewed", "approved", "signed", "paid")


def _grant(world: World, situation: str, step: str) -> Any:
    """An FDII application of the situation's company, taken to ``step`` by people other than the actor.

    The review agrees a 20 % rate (18 MMAD); the grant has one tranche, due at once, so that releasing
    it depends on the permission only.
    """
    from ecosys.incentives import services as grants
    from ecosys.incentives.models import Application, Scheme
    from tests.factories import user_with_role

    fdii = Scheme.objects.get(key="fdii_2015")
    grants.envelopes_from_commitments(world.contract.sector.programme)  # the programme's FDII envelope, 630 MMAD
    project = _project(world, "another company's project" if situation.startswith("another") else "")
    application = grants.application_create(actor=world.proposer, project=project, scheme=fdii, facts=GRANT_FACTS)
    reached = GRANT_STEPS.index(step)
    if reached >= GRANT_STEPS.index("submitted"):
        application = grants.application_submit(actor=world.proposer, application=application)
    if reached >= GRANT_STEPS.index("reviewed"):
        application = grants.application_review(
            actor=world.proposer, application=application, note="Dossier complet", agreed_rate=Decimal("0.2")
        )
        if situation == "reviewed by the actor" and world.actor is not None:
            Application.objects.filter(pk=application.pk).update(reviewed_by=world.actor)
    if reached >= GRANT_STEPS.index("approved"):
        decider = user_with_role(Role.FUND_OFFICER)
        one_tranche = [{"share": "1", "min_verified_jobs": 0, "min_proven_investment": "0"}]
        application = grants.application_decide(
            actor=decider, application=application, approve=True, tranches=one_tranche
        )
        if reached >= GRANT_STEPS.index("signed"):
            application = grants.application_sign(
                actor=decider, application=application, signed_on=timezone.localdate()
            )
        if reached >= GRANT_STEPS.index("paid"):
            grants.tranche_release(actor=decider, application=application, tranche=0)
    return Application.objects.get(pk=application.pk)


def _proof(world: World, application: Any) -> Any:
    from ecosys.incentives import services as grants

    document = SimpleUploadedFile("facture.pdf", b"%PDF-1.4 facture", content_type="application/pdf")
    return grants.proof_add(
        actor=world.proposer,
        application=application,
        category="equipment",
        amount_mad=Decimal("1000000"),
        description="Facture presse",
        document=document,
    )


def _incentives_web_call(world: World, method: str, name: str, situation: str) -> Call:
    from ecosys.incentives import services as grants
    from ecosys.incentives.forms import rules_yaml
    from ecosys.incentives.models import Application, Envelope, InvestmentProof, Payment, Scheme, SchemeVersion

    def status_of(application: Any) -> Callable[[], Any]:
        return lambda: Application.objects.get(pk=application.pk).status

    def page(application: Any) -> str:
        return reverse("incentives:application", kwargs={"reference": application.reference})

    if name == "incentives:application_new" and method == "POST":
        project = _project(world, "another company's project" if situation.startswith("another") else "")
        data = {"project": project.code, "scheme": "fdii_2015", **GRANT_FORM}
        latest = lambda: page(Application.objects.latest("pk"))  # noqa: E731
        return Call(reverse(name), {"data": data}, lambda: Application.objects.count(), latest)
    if name in {"incentives:applications", "incentives:application_new", "incentives:schemes"}:
        return Call(reverse(name))
    if name in {"incentives:envelopes", "incentives:simulator"}:
        return Call(reverse(name))
    if name == "incentives:scheme":
        return Call(reverse(name, kwargs={"key": "fdii_2015"}))
    if name == "incentives:version_add":
        fdii = Scheme.objects.get(key="fdii_2015")
        current = fdii.versions.get()
        grants.version_close(actor=world.proposer, version=current, valid_to=date(2022, 12, 31))
        rules = {**current.rules, "valid_from": "2023-01-01", "valid_to": None}
        return Call(
            reverse(name, kwargs={"key": fdii.key}),
            {"data": {"rules": rules_yaml(rules), "note": "Loi de finances 2023"}},
            lambda: SchemeVersion.objects.filter(scheme=fdii).count(),
            reverse("incentives:scheme", kwargs={"key": fdii.key}),
        )
    if name == "incentives:version_close":
        version = Scheme.objects.get(key="fdii_2015").versions.get()
        return Call(
            reverse(name, kwargs={"key": "fdii_2015", "number": version.number}),
            {"data": {"valid_to": "2030-12-31"}},
            lambda: SchemeVersion.objects.get(pk=version.pk).valid_to,
            reverse("incentives:scheme", kwargs={"key": "fdii_2015"}),
        )
    if name == "incentives:envelope_new":
        data = {
            "name": "FDII · IMM",
            "programme": world.contract.sector.programme.code,
            "scheme": "fdii_2015",
            "amount_mad": "100000000",
        }
        return Call(reverse(name), {"data": data}, lambda: Envelope.objects.count(), reverse("incentives:envelopes"))
    step = {
        "incentives:application": "submitted",
        "incentives:application_edit": "draft",
        "incentives:application_submit": "draft",
        "incentives:application_review": "submitted",
        "incentives:application_decide": "reviewed",
        "incentives:application_sign": "approved",
        "incentives:proof_add": "signed",
        "incentives:proof_verify": "signed",
        "incentives:proof_file": "signed",
        "incentives:tranche_release": "signed",
        "incentives:clawback_apply": "paid",
        "incentives:letter": "approved",
    }[name]
    application = _grant(world, situation, step)
    reference = {"reference": application.reference}
    if name in {"incentives:application", "incentives:letter"}:
        return Call(reverse(name, kwargs=reference) + ("?lang=ar" if name == "incentives:letter" else ""))
    if name == "incentives:application_edit":
        if method == "GET":
            return Call(reverse(name, kwargs=reference))
        data = {**GRANT_FORM, "stable_jobs": "300"}
        facts = lambda: Application.objects.get(pk=application.pk).facts  # noqa: E731
        return Call(reverse(name, kwargs=reference), {"data": data}, facts, page(application))
    if name in {"incentives:proof_verify", "incentives:proof_file"}:
        proof = _proof(world, application)
        url = reverse(name, kwargs={**reference, "pk": proof.pk})
        if name == "incentives:proof_file":
            return Call(url)
        return Call(url, {}, lambda: InvestmentProof.objects.get(pk=proof.pk).verified_by_id, page(application))
    if name == "incentives:proof_add":
        document = SimpleUploadedFile("facture.pdf", b"%PDF-1.4 facture", content_type="application/pdf")
        data = {"category": "equipment", "amount_mad": "1000000", "description": "Facture", "document": document}
        return Call(
            reverse(name, kwargs=reference), {"data": data}, lambda: InvestmentProof.objects.count(), page(application)
        )
    if name == "incentives:tranche_release":
        url = reverse(name, kwargs={**reference, "number": 1})
        return Call(url, {}, lambda: Payment.objects.count(), page(application))
    from ecosys.incentives.services import SAME_PERSON_DECIDES

    data = {
        "incentives:application_submit": {},
        "incentives:application_review": {"note": "Dossier complet", "agreed_rate": "0.2"},
        "incentives:application_decide": {"decision": "approve"},
        "incentives:application_sign": {"signed_on": timezone.localdate().isoformat()},
        "incentives:clawback_apply": {"reason": "Emplois non créés"},
    }[name]
    reasons = [SAME_PERSON_DECIDES] if name == "incentives:application_decide" else []
    return Call(
        reverse(name, kwargs=reference), {"data": data}, status_of(application), page(application), reasons=reasons
    )


def _land_zone(world: World) -> Any:
    """The rental zone BER of the programme (six 0.5 ha parcels), imported once per case."""
    from ecosys.land import services as land
    from ecosys.land.models import Zone
    from tests.land.conftest import parcels_geojson, zone_geojson

    zone = Zone.objects.filter(code="BER").first()
    if zone is None:
        [zone] = land.zones_import(actor=None, programme=world.contract.sector.programme, data=zone_geojson())
        land.parcels_import(actor=None, data=parcels_geojson())
    return zone


def _land_request(world: World, situation: str) -> Any:
    """A land request of the situation's company, moved as far as the situation says (by the ministry)."""
    from ecosys.land import services as land

    zone = _land_zone(world)
    project = _project(world, "another company's project" if situation.startswith("another") else "")
    request = land.request_create(actor=world.proposer, project=project, area_m2="5000")
    steps = ["submitted", "reserved", "allocated", "signed"]
    reached = next((step for step in reversed(steps) if f" {step} " in f" {situation} "), "submitted")
    if steps.index(reached) >= 1:
        land.reserve(actor=world.proposer, request=request, parcels=[zone.parcels.get(code="P00")])
    if steps.index(reached) >= 2:
        land.allocate(actor=world.proposer, request=request)
    if steps.index(reached) >= 3:
        land.agreement_sign(actor=world.proposer, request=request, signed_on=date(2024, 3, 1))
    return request


def _land_web_call(world: World, method: str, name: str, situation: str) -> Call:
    from ecosys.land import optimiser
    from ecosys.land.models import LandRequest, Parcel, Proposal, Zone
    from tests.land.conftest import parcels_geojson, zone_geojson

    programme = world.contract.sector.programme
    if name in {"land:zones", "land:requests"}:
        _land_zone(world)
        return Call(reverse(name))
    if name == "land:zone":
        return Call(reverse(name, kwargs={"code": _land_zone(world).code}))
    if name == "land:zones_import":
        geojson = SimpleUploadedFile("zones.geojson", json.dumps(zone_geojson(code="MTX")).encode())
        return Call(
            reverse(name),
            {"data": {"programme": programme.code, "file": geojson}},
            lambda: Zone.objects.count(),
            f"{reverse('land:zones')}?programme={programme.code}",
        )
    if name == "land:parcels_import":
        from ecosys.land import services as land

        land.zones_import(actor=None, programme=programme, data=zone_geojson(code="MTX"))
        geojson = SimpleUploadedFile("parcels.geojson", json.dumps(parcels_geojson(zone="MTX")).encode())
        return Call(
            reverse(name),
            {"data": {"zone": "MTX", "file": geojson}},
            lambda: Parcel.objects.count(),
            reverse("land:zone", kwargs={"code": "MTX"}),
        )
    if name == "land:request_new":
        _land_zone(world)
        if method == "GET":
            return Call(reverse(name))
        project = _project(world, "another company's project" if situation.startswith("another") else "")
        latest = lambda: reverse("land:request", kwargs={"reference": LandRequest.objects.latest("pk").reference})  # noqa: E731
        return Call(
            reverse(name),
            {"data": {"project": project.code, "area_m2": "5000", "max_parcels": "1", "services": ["power"]}},
            lambda: LandRequest.objects.count(),
            latest,
        )
    if name in {"land:optimiser", "land:proposal", "land:proposal_accept"}:
        _land_request(world, "own company's submitted land request")
        if name == "land:optimiser":
            if method == "GET":
                return Call(reverse(name))
            latest = lambda: reverse("land:proposal", kwargs={"pk": Proposal.objects.latest("pk").pk})  # noqa: E731
            data = {"programme": programme.code, "objective": "jobs", "time_limit_s": "10"}
            return Call(reverse(name), {"data": data}, lambda: Proposal.objects.count(), latest)
        proposal = optimiser.proposal_run(actor=world.proposer, programme=programme, parameters={"time_limit_s": 10})
        url = reverse("land:proposal", kwargs={"pk": proposal.pk})
        if name == "land:proposal":
            return Call(url)
        return Call(
            reverse(name, kwargs={"pk": proposal.pk}),
            {"data": {"days": "30"}},
            lambda: Proposal.objects.get(pk=proposal.pk).accepted_at,
            url,
        )
    request = _land_request(world, situation)
    reference = {"reference": request.reference}
    page = reverse("land:request", kwargs=reference)
    if name == "land:request":
        return Call(page)
    data = {
        "land:request_reserve": {
            "parcels": [Parcel.objects.get(zone__code="BER", code="P01").pk],
            "days": "30",
        },
        "land:request_allocate": {},
        "land:request_sign": {"signed_on": "2024-03-01"},
        "land:request_built": {},
        "land:request_release": {"reason": "Engagements non tenus"},
        "land:request_withdraw": {"reason": "Autre site"},
    }[name]
    return Call(
        reverse(name, kwargs=reference),
        {"data": data},
        lambda: LandRequest.objects.get(pk=request.pk).status,
        page,
    )


def _land_api_call(world: World, method: str, path: str, situation: str) -> Call:
    """Requests of the land API; zones and parcels are imported as a GeoJSON body and as a file."""
    from ecosys.land import optimiser
    from ecosys.land import services as land
    from ecosys.land.models import LandRequest, Parcel, Proposal, Zone
    from tests.land.conftest import parcels_geojson, zone_geojson

    programme = world.contract.sector.programme
    base = f"{API}/land"
    if path == "/land/zones/import":
        body = {"data": json.dumps(zone_geojson(code="MTX")), "content_type": "application/geo+json"}
        return Call(f"{base}/zones/import?programme={programme.code}", body, lambda: Zone.objects.count())
    if path == "/land/parcels/import":
        land.zones_import(actor=None, programme=programme, data=zone_geojson(code="MTX"))
        geojson = SimpleUploadedFile("parcels.geojson", json.dumps(parcels_geojson(zone="MTX")).encode())
        return Call(f"{base}/parcels/import", {"data": {"file": geojson}}, lambda: Parcel.objects.count())
    zone = _land_zone(world)
    if path == "/land/zones/{code}":
        return Call(f"{base}/zones/{zone.code}")
    if path == "/land/occupancy":
        return Call(f"{base}/occupancy?programme={programme.code}")
    if (method, path) == ("POST", "/land/requests"):
        project = _project(world, situation)
        payload = {"project": project.code, "area_m2": "5000", "services_needed": ["power"], "preferred_zones": ["BER"]}
        return Call(f"{base}/requests", _json(payload), lambda: LandRequest.objects.count())
    if path.startswith("/land/proposals"):
        _land_request(world, "own company's submitted land request")
        if method == "GET" and path == "/land/proposals":
            return Call(f"{base}/proposals")
        if path == "/land/proposals":
            payload = {"programme": programme.code, "objective": "jobs", "time_limit_s": 10}
            return Call(f"{base}/proposals", _json(payload), lambda: Proposal.objects.count())
        proposal = optimiser.proposal_run(actor=world.proposer, programme=programme, parameters={"time_limit_s": 10})
        if path == "/land/proposals/{pk}":
            return Call(f"{base}/proposals/{proposal.pk}")
        state = lambda: Proposal.objects.get(pk=proposal.pk).accepted_at  # noqa: E731
        return Call(f"{base}/proposals/{proposal.pk}/accept", _json({"days": 30}), state)
    if method == "GET" and "{" not in path:
        return Call(f"{API}{path}")
    request = _land_request(world, situation)
    url = f"{base}/requests/{request.reference}"
    if path == "/land/requests/{reference}":
        return Call(url)
    step = path.rsplit("/", 1)[1]
    payload = {
        "reserve": {"parcels": [f"{zone.code}/P01"], "days": 30},
        "allocate": {},
        "agreement": {"signed_on": "2024-03-01"},
        "built": {},
        "release": {"reason": "Engagements non tenus"},
        "withdraw": {"reason": "Autre site"},
    }[step]
    return Call(f"{url}/{step}", _json(payload), lambda: LandRequest.objects.get(pk=request.pk).status)


def _opportunity_study(world: World) -> Any:
    """A trade dataset (its rows described, no files needed) and a finished study of Morocco on it."""
    from ecosys.analytics.opportunity.study import Column, StudyResult, study_parameters
    from ecosys.opportunities.models import OpportunityStudy, TradeDataset
    from ecosys.opportunities.services import parameters_json

    dataset, _created = TradeDataset.objects.get_or_create(
        code="mtx", defaults={"name": "Matrix", "years": [2017], "rows": 1, "version": "0123456789abcdef"}
    )
    params = study_parameters({"country": "MAR", "years": "2017"})
    columns = tuple(
        Column(key, kind, key)
        for key, kind in (
            ("rank", "rank"),
            ("product", "text"),
            ("name", "text"),
            ("score", "number"),
            ("imports_usd", "usd"),
        )
    )
    rows = ({"rank": 1, "product": "7214", "name": "Bars and rods of iron", "score": 1.0, "imports_usd": 1000.0},)
    result = StudyResult(params, columns, rows, {"eci": 0.1}, {"density": 1.0}, ())
    return OpportunityStudy.objects.create(
        title="Matrix",
        dataset=dataset,
        dataset_version=dataset.version,
        country="MAR",
        parameters=parameters_json(params),
        status="done",
        progress=100,
        result=result.to_json(),
        requested_by=world.proposer,
        finished_at=timezone.now(),
    )


def _trade_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("BACI_HS07_Y2017_V000000.csv", b"t,i,j,k,v,q\n2017,4,8,101,1.0,1\n")


def _trade_import(world: World) -> Any:
    from ecosys.opportunities.models import TradeImport

    study = _opportunity_study(world)
    return TradeImport.objects.create(
        dataset=study.dataset, format="baci", filename="BACI_HS07_Y2017.csv", requested_by=world.proposer
    )


def _opportunities_web_call(world: World, name: str) -> Call:
    from ecosys.opportunities.models import OpportunityStudy, TradeDataset, TradeImport

    study = _opportunity_study(world)
    if name in {"opportunities:home", "opportunities:datasets"}:
        return Call(reverse(name))
    if name in {"opportunities:study", "opportunities:study_xlsx", "opportunities:study_ecosystems"}:
        return Call(reverse(name, kwargs={"pk": study.pk}))
    if name == "opportunities:product":
        return Call(reverse(name, kwargs={"pk": study.pk, "code": "7214"}))
    if name == "opportunities:dataset":
        return Call(reverse(name, kwargs={"code": study.dataset.code}))
    if name == "opportunities:import":
        return Call(reverse(name, kwargs={"pk": _trade_import(world).pk}))
    if name == "opportunities:study_new":
        latest = lambda: reverse("opportunities:study", kwargs={"pk": OpportunityStudy.objects.latest("pk").pk})  # noqa: E731
        data = {"dataset": "mtx", "country": "MAR", "year_from": "2017", "year_to": "2017"}
        return Call(reverse(name), {"data": data}, lambda: OpportunityStudy.objects.count(), latest)
    if name == "opportunities:study_sheets":
        return Call(
            reverse(name, kwargs={"pk": study.pk}),
            {"data": {"products": ["7214"], "ecosystem": OWN_ECOSYSTEM}},
            lambda: OpportunitySheet.objects.count(),
            reverse("investments:sheet_list"),
        )
    if name == "opportunities:dataset_new":
        return Call(
            reverse(name),
            {"data": {"code": "new-ds", "name": "New"}},
            lambda: TradeDataset.objects.count(),
            reverse("opportunities:dataset", kwargs={"code": "new-ds"}),
        )
    if name == "opportunities:dataset_import":
        latest = lambda: reverse("opportunities:import", kwargs={"pk": TradeImport.objects.latest("pk").pk})  # noqa: E731
        return Call(
            reverse(name, kwargs={"code": "mtx"}),
            {"data": {"format": "baci", "file": _trade_file()}},
            lambda: TradeImport.objects.count(),
            latest,
        )
    raise AssertionError(f"No request written for {name}")


def _opportunities_api_call(world: World, method: str, path: str) -> Call:
    from ecosys.opportunities.models import OpportunityStudy, TradeDataset, TradeImport

    base = f"{API}/opportunities"
    study = _opportunity_study(world)
    if (method, path) == ("POST", "/opportunities/datasets"):
        return Call(f"{base}/datasets", _json({"code": "new-ds", "name": "New"}), lambda: TradeDataset.objects.count())
    if path == "/opportunities/datasets/{code}":
        return Call(f"{base}/datasets/mtx")
    if path == "/opportunities/datasets/{code}/imports":
        data = {"data": {"format": "baci", "file": _trade_file()}}
        return Call(f"{base}/datasets/mtx/imports", data, lambda: TradeImport.objects.count())
    if path == "/opportunities/imports/{pk}":
        return Call(f"{base}/imports/{_trade_import(world).pk}")
    if (method, path) == ("POST", "/opportunities/studies"):
        payload = {"dataset": "mtx", "country": "MAR", "years": [2017]}
        return Call(f"{base}/studies", _json(payload), lambda: OpportunityStudy.objects.count())
    if path == "/opportunities/studies/{pk}":
        return Call(f"{base}/studies/{study.pk}")
    if path == "/opportunities/studies/{pk}/rows":
        return Call(f"{base}/studies/{study.pk}/rows")
    if path == "/opportunities/studies/{pk}/products/{code}":
        return Call(f"{base}/studies/{study.pk}/products/7214")
    if path == "/opportunities/studies/{pk}/sheets":
        payload = {"products": ["7214"], "ecosystem": OWN_ECOSYSTEM}
        return Call(f"{base}/studies/{study.pk}/sheets", _json(payload), lambda: OpportunitySheet.objects.count())
    return Call(f"{API}{path}")


# --------------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Users are signed in with force_login; hashing their factory password slowly buys nothing here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path):
    """Uploaded import files are kept under MEDIA_ROOT; keep them out of the project's var/."""
    settings.MEDIA_ROOT = tmp_path


def _world(imm: PerformanceContract, make_user, client_for, actor_name: str) -> World:
    proposer = make_user(Role.MINISTRY_ADMIN)
    if actor_name == ANON:
        return World(imm, None, proposer, Client())
    role = Role(actor_name)
    ecosystem = Ecosystem.objects.get(code=OWN_ECOSYSTEM) if role == Role.ECOSYSTEM_MANAGER else None
    actor = make_user(role, ecosystem=ecosystem)
    return World(imm, actor, proposer, client_for(actor))


def _cases(matrix: list[tuple[str, str, str, str | None, tuple[str, ...]]]) -> list[Any]:
    return [
        pytest.param(
            method,
            route,
            situation,
            actor,
            outcome,
            id=f"{method} {route}{f' ({situation})' if situation else ''} as {actor}",
        )
        for method, route, situation, _perm, outcomes in matrix
        for actor, outcome in zip(COLUMNS, outcomes, strict=True)
    ]


def _send(client: Client, method: str, call: Call) -> Any:
    send = getattr(client, method.lower())
    return send(call.url, **call.kwargs)


# --------------------------------------------------------------------------------------------------
# The matrix itself
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "situation", "actor", "outcome"), _cases(API_MATRIX))
def test_api_endpoint_answers_each_actor_as_the_matrix_says(
    imm, make_user, client_for, method, path, situation, actor, outcome
):
    world = _world(imm, make_user, client_for, actor)
    call = api_call(world, method, path, situation)
    before = call.state() if call.state else None

    response = _send(world.client, method, call)

    status = response.status_code
    if outcome == OK:
        assert 200 <= status < 300, (status, response.content[:500])
        if call.state:
            assert call.state() != before, "an allowed write must change something"
        return
    expected = {AUTH: 401, NO: 403, HID: 404, RULE: 400, LOCK: 409}[outcome]
    assert status == expected, (status, response.content[:500])
    body = response.json()
    assert set(body) == {"code", "message", "errors"}
    assert body["message"]
    if outcome == AUTH:
        assert body["code"] == "unauthenticated"
    elif outcome == NO:
        assert body["code"].startswith("forbidden")
    elif outcome == HID:
        assert body["code"] == "not_found"
    elif outcome == LOCK:
        assert body["code"] == "project_locked"
    else:
        assert body["code"] == "four_eyes"
    if call.state:
        assert call.state() == before, "a refused request must write nothing"


def _matrix_committee(world: World) -> Committee:
    """A steering committee of the programme seating FIMME and MICIEN (not the actors' organisations)."""
    programme = world.contract.sector.programme
    committee = committee_create(
        actor=world.proposer, programme=programme, kind="steering", name="Comité de pilotage IMM", chair=world.proposer
    )
    for acronym in ("FIMME", "MICIEN"):
        organisation = Organisation.objects.get(acronym=acronym)
        committee_member_add(actor=world.proposer, committee=committee, organisation=organisation)
    return committee


def _governance_api_call(world: World, method: str, path: str) -> Call:
    """Requests of the governance API: reads, and writes with a valid payload that change something."""
    if path in {"/governance/committees", "/governance/initiatives", "/governance/follow-up"} and method == "GET":
        return Call(f"{API}{path}")
    if path == "/governance/committees":
        payload = {"programme": "pai-2014-2020", "kind": "technical", "name": "Comité technique", "organisations": []}
        return Call(f"{API}{path}", _json(payload), lambda: Committee.objects.count())
    committee = _matrix_committee(world)
    fimme = Organisation.objects.get(acronym="FIMME")
    at = f"{API}/governance/committees/{committee.pk}"
    if path.endswith("/members"):
        payload = {"organisation": world.proposer.memberships.get().organisation_id}
        return Call(f"{at}/members", _json(payload), lambda: committee.members.count())
    if path.endswith("/chair"):
        return Call(f"{at}/chair", _json({"chair": None}), lambda: Committee.objects.get(pk=committee.pk).chair_id)
    if path.endswith("/meetings"):
        payload = {"held_on": "2018-12-10", "title": "Comité", "agenda": [{"title": "Emplois"}]}
        return Call(f"{at}/meetings", _json(payload), lambda: Meeting.objects.count())
    if path == "/governance/committees/{pk}/initiatives":
        due = (timezone.localdate() + timedelta(days=30)).isoformat()
        payload = {"title": "Guichet foncier", "owner_organisation": fimme.pk, "due_date": due}
        return Call(f"{at}/initiatives", _json(payload), lambda: Initiative.objects.count())
    if path.startswith("/governance/initiatives/{pk}"):
        initiative = initiative_create(
            actor=world.proposer,
            committee=committee,
            title="Guichet foncier",
            owner_organisation=fimme,
            due_date=timezone.localdate() + timedelta(days=30),
        )
        at = f"{API}/governance/initiatives/{initiative.pk}"
        if path.endswith("/status"):
            state = lambda: Initiative.objects.get(pk=initiative.pk).status  # noqa: E731
            return Call(f"{at}/status", _json({"status": "in_progress"}), state)
        return Call(f"{at}/notes", _json({"text": "Terrain identifié"}), lambda: initiative.notes.count())
    meeting = meeting_create(actor=world.proposer, committee=committee, held_on=date(2018, 12, 10), title="Comité")
    minutes_write(actor=world.proposer, meeting=meeting, text="Le comité a examiné les emplois.")
    at = f"{API}/governance/meetings/{meeting.pk}"
    if path == "/governance/meetings/{pk}":
        return Call(at)
    if path.endswith("/minutes"):
        state = lambda: Meeting.objects.get(pk=meeting.pk).minutes  # noqa: E731
        return Call(f"{at}/minutes", _json({"text": "Procès-verbal complété."}), state)
    if path.endswith("/approval"):
        return Call(f"{at}/approval", {}, lambda: Meeting.objects.get(pk=meeting.pk).minutes_status)
    if path.endswith("/attendance"):
        member = committee.members.order_by("pk").first()
        state = lambda: list(meeting.attendance.values_list("member_id", "present"))  # noqa: E731
        return Call(f"{at}/attendance", _json({"present": [member.pk]}), state)
    return Call(f"{at}/decisions", _json({"text": "Créer un guichet foncier"}), lambda: meeting.decisions.count())


def _governance_web_call(world: World, name: str) -> Call:
    if name in {"governance:committees", "governance:mine"}:
        return Call(reverse(name))
    if name == "governance:committee_new":
        fimme = Organisation.objects.get(acronym="FIMME")
        data = {
            "name": "Comité de suivi",
            "kind": "follow_up",
            "programme": "pai-2014-2020",
            "organisations": [fimme.pk],
        }
        return Call(
            reverse(name),
            {"data": data},
            lambda: Committee.objects.count(),
            lambda: reverse("governance:committee", kwargs={"pk": Committee.objects.latest("pk").pk}),
        )
    committee = _matrix_committee(world)
    fimme = Organisation.objects.get(acronym="FIMME")
    if name == "governance:committee":
        return Call(reverse(name, kwargs={"pk": committee.pk}))
    if name == "governance:member_add":
        return Call(
            reverse(name, kwargs={"pk": committee.pk}),
            {"data": {"organisation": str(world.proposer.memberships.get().organisation_id)}},
            lambda: committee.members.count(),
            reverse("governance:committee", kwargs={"pk": committee.pk}),
        )
    if name == "governance:chair_set":
        return Call(
            reverse(name, kwargs={"pk": committee.pk}),
            {"data": {"chair": ""}},
            lambda: Committee.objects.get(pk=committee.pk).chair_id,
            reverse("governance:committee", kwargs={"pk": committee.pk}),
        )
    if name == "governance:meeting_create":
        return Call(
            reverse(name, kwargs={"pk": committee.pk}),
            {"data": {"held_on": "2018-12-10", "title": "C", "agenda-0-title": "Emplois", "agenda-1-title": "Lot"}},
            lambda: Meeting.objects.count(),
            lambda: reverse("governance:meeting", kwargs={"pk": Meeting.objects.latest("pk").pk}),
        )
    if name == "governance:initiative_create":
        due = (timezone.localdate() + timedelta(days=30)).isoformat()
        return Call(
            reverse(name, kwargs={"pk": committee.pk}),
            {"data": {"title": "Guichet foncier", "owner_organisation": str(fimme.pk), "due_date": due}},
            lambda: Initiative.objects.count(),
            lambda: reverse("governance:initiative", kwargs={"pk": Initiative.objects.latest("pk").pk}),
        )
    if name.startswith("governance:initiative") or name == "governance:progress_note_add":
        initiative = initiative_create(
            actor=world.proposer,
            committee=committee,
            title="Guichet foncier",
            owner_organisation=fimme,
            due_date=timezone.localdate() + timedelta(days=30),
        )
        page = reverse("governance:initiative", kwargs={"pk": initiative.pk})
        if name == "governance:initiative":
            return Call(page)
        if name == "governance:initiative_status":
            return Call(
                reverse(name, kwargs={"pk": initiative.pk}),
                {"data": {"status": "in_progress"}},
                lambda: Initiative.objects.get(pk=initiative.pk).status,
                page,
            )
        return Call(
            reverse(name, kwargs={"pk": initiative.pk}),
            {"data": {"text": "Terrain identifié à Berrechid"}},
            lambda: initiative.notes.count(),
            page,
        )
    meeting = meeting_create(actor=world.proposer, committee=committee, held_on=date(2018, 12, 10), title="Comité")
    minutes_write(actor=world.proposer, meeting=meeting, text="Le comité a examiné les emplois.")
    page = reverse("governance:meeting", kwargs={"pk": meeting.pk})
    if name in {"governance:meeting", "governance:minutes_pdf"}:
        return Call(reverse(name, kwargs={"pk": meeting.pk}))
    if name == "governance:minutes_write":
        return Call(
            reverse(name, kwargs={"pk": meeting.pk}),
            {"data": {"minutes": "Procès-verbal complété."}},
            lambda: Meeting.objects.get(pk=meeting.pk).minutes,
            page,
        )
    if name == "governance:minutes_approve":
        return Call(
            reverse(name, kwargs={"pk": meeting.pk}),
            {},
            lambda: Meeting.objects.get(pk=meeting.pk).minutes_status,
            page,
            reasons=[NOT_CHAIR],  # approving is the chair's (or the ministry's), whatever the role
        )
    if name == "governance:attendance_record":
        member = committee.members.order_by("pk").first()
        return Call(
            reverse(name, kwargs={"pk": meeting.pk}),
            {"data": {"present": [str(member.pk)]}},
            lambda: list(meeting.attendance.values_list("member_id", "present")),
            page,
        )
    return Call(
        reverse(name, kwargs={"pk": meeting.pk}),
        {"data": {"text": "Créer un guichet foncier"}},
        lambda: meeting.decisions.count(),
        page,
    )


def _monitoring_api_call(world: World, method: str, path: str) -> Call:
    programme = world.contract.sector.programme
    base = f"{API}/monitoring/{programme.code}"
    if path == "/monitoring/{code}/tables/{key}":
        return Call(f"{base}/tables/at_risk?as_of=2018-12&ecosystem={OWN_ECOSYSTEM}")
    if path == "/monitoring/{code}/kpis/{indicator}":
        return Call(f"{base}/kpis/JOBS_CREATED?as_of=2018-12&granularity=quarter&group=region")
    if method == "GET":
        return Call(base + path.removeprefix("/monitoring/{code}") + ("?as_of=2018-12" if "figures" in path else ""))
    if path == "/monitoring/{code}/periods":
        return Call(
            f"{base}/periods",
            _json({"year": 2018, "quarter": 4}),
            lambda: list(Period.objects.values_list("year", "quarter", "status")),
        )
    if path == "/monitoring/{code}/thresholds":
        return Call(
            f"{base}/thresholds",
            _json({"on_track_percent": "90", "at_risk_percent": "70"}),
            lambda: list(StatusThresholds.objects.values_list("on_track_percent", "at_risk_percent")),
        )
    period = period_lock(actor=world.proposer, programme=programme, year=2018, quarter=4)
    if path.endswith("/unlock"):
        return Call(
            f"{base}/periods/{period.pk}/unlock",
            _json({"reason": "Correction CNSS de décembre"}),
            lambda: UnlockRequest.objects.count(),
        )
    unlock = period_unlock_request(actor=world.proposer, period=period, reason="Correction CNSS")
    return Call(
        f"{base}/unlocks/{unlock.pk}/decision",
        _json({"grant": True}),
        lambda: UnlockRequest.objects.get(pk=unlock.pk).status,
    )


def _monitoring_web_call(world: World, name: str) -> Call:
    code = world.contract.sector.programme.code
    back = reverse("monitoring:programme", kwargs={"code": code}) + "#periods"
    if name == "monitoring:home":
        return Call(reverse(name), success_url=reverse("monitoring:programme", kwargs={"code": code}))
    if name == "monitoring:programme":
        return Call(reverse(name, kwargs={"code": code}) + "?as_of=2018-12")
    if name == "monitoring:iati":
        return Call(reverse(name, kwargs={"code": code}) + "?as_of=2018-12")
    if name == "monitoring:ecosystem":
        return Call(reverse(name, kwargs={"code": code, "ecosystem": OWN_ECOSYSTEM}) + "?as_of=2018-12")
    if name == "monitoring:period_lock":
        return Call(
            reverse(name, kwargs={"code": code}),
            {"data": {"year": "2018", "quarter": "4"}},
            lambda: list(Period.objects.values_list("year", "quarter", "status")),
            back,
        )
    if name == "monitoring:thresholds":
        return Call(
            reverse(name, kwargs={"code": code}),
            {"data": {"on_track_percent": "90", "at_risk_percent": "70"}},
            lambda: list(StatusThresholds.objects.values_list("on_track_percent", "at_risk_percent")),
            back,
        )
    if name == "monitoring:report_request":
        return Call(
            reverse(name, kwargs={"code": code}),
            {"data": {"kind": "programme", "language": "fr", "as_of": "2018-12"}},
            lambda: Report.objects.count(),
            lambda: reverse("monitoring:report", kwargs={"pk": Report.objects.latest("pk").pk}),
        )
    if name in {"monitoring:report", "monitoring:report_pdf"}:
        report = report_request(
            actor=world.proposer,
            programme=world.contract.sector.programme,
            kind="programme",
            as_of=date(2018, 12, 1),
            language="fr",
        )
        Report.objects.filter(pk=report.pk).update(status="done", progress=100, pdf=b"%PDF-1.7 matrix")
        return Call(reverse(name, kwargs={"pk": report.pk}))
    period = period_lock(actor=world.proposer, programme=world.contract.sector.programme, year=2018, quarter=4)
    if name == "monitoring:period_unlock":
        return Call(
            reverse(name, kwargs={"code": code, "pk": period.pk}),
            {"data": {"reason": "Correction CNSS de décembre"}},
            lambda: UnlockRequest.objects.count(),
            back,
        )
    unlock = period_unlock_request(actor=world.proposer, period=period, reason="Correction CNSS")
    return Call(
        reverse(name, kwargs={"code": code, "pk": unlock.pk}),
        {"data": {"decision": "grant"}},
        lambda: UnlockRequest.objects.get(pk=unlock.pk).status,
        back,
    )


@pytest.mark.parametrize(("method", "name", "situation", "actor", "outcome"), _cases(WEB_MATRIX))
def test_page_answers_each_actor_as_the_matrix_says(
    imm, make_user, client_for, method, name, situation, actor, outcome
):
    world = _world(imm, make_user, client_for, actor)
    call = web_call(world, method, name, situation)
    before = call.state() if call.state else None

    response = _send(world.client, method, call)

    status = response.status_code
    if outcome == AUTH:
        assert status == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
        if call.state:
            assert call.state() == before
        return
    messages = list(get_messages(response.wsgi_request))
    errors = [str(m) for m in messages if m.level_tag == "error"]
    if outcome == OK:
        if call.success_url is None:
            assert status == 200, (status, response.content[:500])
        else:
            assert status == 302, (status, response.content[:500])
            expected = call.success_url() if callable(call.success_url) else call.success_url
            assert response["Location"] == expected
            assert not errors, errors
        if call.state:
            assert call.state() != before, "an allowed write must change something"
        return
    if method == "GET" or outcome == HID:
        # A hidden object is not found, whether read or written to (the form never learns it exists).
        assert status == {NO: 403, HID: 404}[outcome], status
        if call.state:
            assert call.state() == before, "a refused form must write nothing"
        return
    # A refused form: back to where it came from (home, as no Referer is sent), with the reason.
    assert status == 302, (status, response.content[:500])
    assert response["Location"] == reverse("web:home")
    reasons = {
        NO: [NOT_ALLOWED, NOT_YOUR_ECOSYSTEM],
        RULE: [AMENDMENT_SELF_APPROVAL, OWN_SUBMISSION],
        LOCK: [NOT_EDITABLE],
    }[outcome]
    with translation.override(world.actor.preferred_language):  # pages speak the person's language
        expected = {str(reason() if callable(reason) else reason) for reason in [*reasons, *call.reasons]}
        assert errors and errors[0] in expected, errors
    assert call.state() == before, "a refused form must write nothing"


# --------------------------------------------------------------------------------------------------
# The matrix covers every route, and agrees with the permission codes
# --------------------------------------------------------------------------------------------------


def _registered_api_operations() -> set[tuple[str, str]]:
    from ecosys.config.api import api

    operations = set()
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    operations.add(
                        (method.upper(), "/" + "/".join(p.strip("/") for p in (prefix, path) if p.strip("/")))
                    )
    return operations


def test_every_api_endpoint_is_in_the_matrix():
    registered = _registered_api_operations()
    declared = {(method, path) for method, path, *_rest in API_MATRIX}
    assert registered, "no API operation found: the enumeration is broken"
    assert registered - declared == set(), "endpoints missing from API_MATRIX"
    assert declared - registered == set(), "API_MATRIX lists endpoints that no longer exist"


def test_the_openapi_document_lists_the_same_endpoints_as_the_matrix(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    registered = {(method.upper(), path.removeprefix("/api/v1")) for path, item in paths.items() for method in item}
    assert registered == {(method, path) for method, path, *_rest in API_MATRIX}


def test_every_page_is_in_the_matrix():
    from ecosys.governance import urls as governance_urls
    from ecosys.incentives import urls as incentives_urls
    from ecosys.investments import urls as investments_urls
    from ecosys.land import urls as land_urls
    from ecosys.monitoring import urls as monitoring_urls
    from ecosys.opportunities import urls as opportunities_urls
    from ecosys.web import urls as web_urls

    names = set()
    for urls in (
        web_urls,
        investments_urls,
        monitoring_urls,
        governance_urls,
        incentives_urls,
        land_urls,
        opportunities_urls,
    ):
        for pattern in urls.urlpatterns:
            assert isinstance(pattern, URLPattern), f"{pattern}: include()d URLs need their own rows"
            assert pattern.name, f"{pattern.pattern} has no name, give it one and a row in WEB_MATRIX"
            names.add(f"{urls.app_name}:{pattern.name}")
    declared = {name for _method, name, *_rest in WEB_MATRIX}
    assert names - declared == set(), "pages missing from WEB_MATRIX"
    assert declared - names == set(), "WEB_MATRIX lists pages that no longer exist"


@pytest.mark.parametrize("matrix", [API_MATRIX, WEB_MATRIX], ids=["api", "web"])
def test_the_matrix_follows_the_permission_codes(matrix):
    for method, route, situation, permission, outcomes in matrix:
        row = f"{method} {route} {situation}"
        by_actor = dict(zip(COLUMNS, outcomes, strict=True))
        assert by_actor[ANON] == AUTH, row
        allowed = {role for role in Role if by_actor[role] == OK}
        holders = set(Role) if permission is SIGNED_IN else set(PERMISSIONS[permission])
        if situation in SCOPED_SITUATIONS:
            assert allowed <= holders, row
        else:
            assert allowed == holders, row
        for role in set(Role) - holders:
            assert by_actor[role] in {NO, HID}, row
        assert set(outcomes) <= {OK} | REFUSALS, row


# The URL arguments of each form, for the check below; the others take a contract's code.
FORM_KWARGS: dict[str, dict[str, Any]] = {
    "web:milestone_set": {"pk": 1, "year": 2017},
    "web:amendment_decide": {"pk": 1},
    "investments:declaration_add": {"ice": OWN_COMPANY_ICE},
    "investments:import_upload": {},
    "investments:reconcile": {},
    "monitoring:period_lock": {"code": "pai-2014-2020"},
    "monitoring:period_unlock": {"code": "pai-2014-2020", "pk": 1},
    "monitoring:unlock_decide": {"code": "pai-2014-2020", "pk": 1},
    "monitoring:thresholds": {"code": "pai-2014-2020"},
    "monitoring:report_request": {"code": "pai-2014-2020"},
    "governance:committee_new": {},
    "governance:member_add": {"pk": 1},
    "governance:chair_set": {"pk": 1},
    "governance:meeting_create": {"pk": 1},
    "governance:initiative_create": {"pk": 1},
    "governance:minutes_write": {"pk": 1},
    "governance:minutes_approve": {"pk": 1},
    "governance:decision_record": {"pk": 1},
    "governance:attendance_record": {"pk": 1},
    "governance:initiative_status": {"pk": 1},
    "governance:progress_note_add": {"pk": 1},
    "incentives:application_submit": {"reference": "G-2016-00001"},
    "incentives:application_review": {"reference": "G-2016-00001"},
    "incentives:application_decide": {"reference": "G-2016-00001"},
    "incentives:application_sign": {"reference": "G-2016-00001"},
    "incentives:proof_add": {"reference": "G-2016-00001"},
    "incentives:proof_verify": {"reference": "G-2016-00001", "pk": 1},
    "incentives:tranche_release": {"reference": "G-2016-00001", "number": 1},
    "incentives:clawback_apply": {"reference": "G-2016-00001"},
    "incentives:version_add": {"key": "fdii_2015"},
    "incentives:version_close": {"key": "fdii_2015", "number": 1},
    "incentives:envelope_new": {},
    "land:zones_import": {},
    "land:parcels_import": {},
    "land:request_reserve": {"reference": "LR-2024-00001"},
    "land:request_allocate": {"reference": "LR-2024-00001"},
    "land:request_sign": {"reference": "LR-2024-00001"},
    "land:request_built": {"reference": "LR-2024-00001"},
    "land:request_release": {"reference": "LR-2024-00001"},
    "land:request_withdraw": {"reference": "LR-2024-00001"},
    "land:proposal_accept": {"pk": 1},
    "opportunities:study_new": {},
    "opportunities:study_sheets": {"pk": 1},
    "opportunities:dataset_new": {},
    "opportunities:dataset_import": {"code": "mtx"},
}
POST_ONLY = {name for method, name, *_rest in WEB_MATRIX if method == "POST"} - {
    name for method, name, *_rest in WEB_MATRIX if method == "GET"
}


@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_a_form_url_refuses_a_plain_get(name, make_user, client_for):
    kwargs = FORM_KWARGS.get(name, {"code": "IMM-CP"})
    response = client_for(make_user(Role.MINISTRY_ADMIN)).get(reverse(name, kwargs=kwargs))
    assert response.status_code == 405
