"""Translated messages for the analytics' refusals (trade files, datasets, study parameters).

The analytics package raises errors with a stable ``code`` and the ``params`` of their English text;
this module gives each code its message in the user's language, so a person who brought a file reads
the file, line, column and reason in French, English or Arabic.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ecosys.analytics.opportunity.errors import OpportunityInputError
from ecosys.analytics.trade.errors import TradeDatasetError, TradeFileError

TRADE_FILE: dict[str, Promise] = {
    "empty_file": _("the file is empty"),
    "no_data_rows": _("the file has no data rows"),
    "missing_column": _("a column is missing"),
    "year_needed": _("the year column is missing (or give the year of the file)"),
    "field_count": _("%(expected)s fields expected, %(found)s found"),
    "not_a_year": _("not a year: %(value)s"),
    "year_out_of_range": _("year outside %(low)s–%(high)s: %(value)s"),
    "not_a_number": _("%(what)s is not a number: %(value)s"),
    "negative_or_infinite": _("%(what)s must be a finite number of zero or more: %(value)s"),
    "bad_product_code": _("not an HS product code (1 to %(digits)s digits): %(value)s"),
    "unknown_country": _("unknown %(role)s country code: %(value)s"),
    "not_utf8": _("the text is not UTF-8"),
    "unreadable_csv": _("the CSV cannot be read: %(detail)s"),
    "refused_by_reader": _("the CSV reader refused it: %(detail)s"),
    "no_rows_to_import": _("no rows to import (%(read)s read; left out: %(left_out)s)"),
    "classification_unknown": _("the HS revision is unknown: name the file BACI_HS17_… or choose it"),
    "not_a_zip": _("not a readable zip archive: %(detail)s"),
    "no_baci_member": _("no BACI_*.csv file in the archive"),
}

TRADE_DATASET: dict[str, Promise] = {
    "classification_mismatch": _("the dataset and the file use different HS revisions (%(detail)s)"),
    "unknown_manifest": _("the dataset's manifest is not an Ecosys manifest (%(detail)s)"),
    "level_finer_than_data": _("the product level is finer than the data (%(detail)s)"),
    "year_not_in_dataset": _("no data for that year in the dataset (%(detail)s)"),
}

OPPORTUNITY: dict[str, Promise] = {
    "not_an_array": _("must be an array of numbers"),
    "wrong_length": _("has %(found)s values, %(expected)s expected"),
    "negative_or_infinite": _("must be finite and zero or more; found %(value)s"),
    "not_in_range": _("must be between %(low)s and %(high)s; found %(value)s"),
    "too_few_years": _("needs at least %(minimum)s distinct years; got %(found)s"),
    "years_not_distinct": _("has a repeated year: %(value)s"),
    "no_market_imports": _("no imports in the markets with a known distance"),
    "unknown_country": _("the country %(country)s is not in the data"),
    "no_exports": _("the country %(country)s has no exports in the data"),
    "no_presence": _("the country %(country)s exports nothing with RCA ≥ 1: density and COG are undefined"),
    "weights_empty": _("no weight given"),
    "weights_syntax": _("%(item)s is not of the form name=number"),
    "weights_not_number": _("%(name)s has %(value)s, which is not a number"),
    "weights_negative": _("%(name)s must be zero or more; got %(value)s"),
    "weights_unknown": _("%(name)s is not an indicator (known: %(known)s)"),
    "weights_duplicate": _("%(name)s is given twice"),
    "weights_all_zero": _("at least one weight must be above zero"),
    "unknown_strategy": _("%(value)s is not a strategy (known: %(known)s)"),
    "no_indicators": _("no indicator given"),
    "unknown_column": _("%(name)s is not a column of %(table)s (known: %(known)s)"),
    "csv_missing_column": _("the column %(column)s is missing"),
    "csv_bad_value": _("line %(line)s, column %(column)s: %(reason)s"),
    "csv_duplicate_code": _("line %(line)s: the code %(value)s appears twice"),
    "csv_no_rows": _("has no data rows"),
    "csv_duplicate_row": _("line %(line)s: %(what)s appears twice"),
    "csv_code_too_short": _("line %(line)s: the code %(value)s has fewer digits than the study's level (%(level)s)"),
    "unknown_parameter": _("is not a parameter of a study (known: %(known)s)"),
    "required": _("is required"),
    "not_a_year": _("%(value)s is not a year"),
    "not_one_of": _("%(value)s is not one of %(allowed)s"),
    "not_a_number": _("%(value)s is not a number"),
    "not_iso3": _("%(value)s is not an ISO3 country code known to BACI"),
    "no_exports_in_year": _("the country %(country)s has no exports in %(year)s"),
    "weights_needs": _("%(name)s needs %(needed)s"),
    "complexity_undefined": _("complexity cannot be computed on these data: %(reason)s"),
    "nothing_to_rank": _("no product has every weighted indicator known (%(detail)s)"),
    "no_years": _("has no year"),
    "not_positive": _("must be a number above zero; found %(value)s"),
}


def _format(template: Promise | None, params: dict[str, Any], fallback: str) -> str:
    if template is None:
        return fallback
    try:
        return str(template) % {k: v if isinstance(v, (int, float)) else str(v) for k, v in params.items()}
    except (KeyError, TypeError, ValueError):
        return fallback


def trade_file_message(error: TradeFileError, *, name: str | None = None) -> str:
    """``<file>, line <n>, column <c>: <reason>`` in the active language (``name`` replaces a temporary path)."""
    where = name or error.path.name
    if error.line is not None:
        where = gettext("%(file)s, line %(line)s") % {"file": where, "line": error.line}
    if error.column is not None:
        where = gettext("%(place)s, column %(column)s") % {"place": where, "column": error.column}
    return f"{where}: {_format(TRADE_FILE.get(error.code), dict(error.params), error.reason)}"


def trade_dataset_message(error: TradeDatasetError) -> str:
    return _format(TRADE_DATASET.get(error.code), {"detail": error.detail}, str(error))


def opportunity_message(error: OpportunityInputError) -> str:
    """``<parameter>: <reason>`` in the active language."""
    return f"{error.parameter}: {_format(OPPORTUNITY.get(error.code), dict(error.params), error.reason)}"
