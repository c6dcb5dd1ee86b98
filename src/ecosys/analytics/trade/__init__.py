"""Trade data: import CEPII BACI, UN Comtrade and long tables into a Parquet dataset; query it with DuckDB.

Framework-free (never imports Django). ``ingest_*`` stream a source file into the dataset, all or
nothing and idempotent (see ingest.py); ``exports_matrix`` and ``imports_by_product`` answer the
questions opportunity analytics ask (queries.py); ``generate_baci_world`` writes BACI-format files
where real ones are absent (generate.py), ``generate_baci_gravity`` demo files whose 2017 totals are the
real exports (gravity.py).
"""

from ecosys.analytics.trade.codes import Country, Product, read_country_codes, read_product_names, shipped_country_codes
from ecosys.analytics.trade.dataset import SourceRecord, connect, read_manifest, write_reference_tables
from ecosys.analytics.trade.errors import TradeDatasetError, TradeFileError
from ecosys.analytics.trade.formats import detect_format, read_header
from ecosys.analytics.trade.generate import GeneratedFile, generate_baci_world
from ecosys.analytics.trade.gravity import GravityDemo, generate_baci_gravity, read_real_exports_hs4_2017
from ecosys.analytics.trade.ingest import ImportResult, ingest_baci, ingest_comtrade, ingest_long_table
from ecosys.analytics.trade.queries import LabelledMatrix, exports_matrix, imports_by_product

__all__ = [
    "Country",
    "GeneratedFile",
    "GravityDemo",
    "ImportResult",
    "LabelledMatrix",
    "Product",
    "SourceRecord",
    "TradeDatasetError",
    "TradeFileError",
    "connect",
    "detect_format",
    "exports_matrix",
    "generate_baci_gravity",
    "generate_baci_world",
    "imports_by_product",
    "ingest_baci",
    "ingest_comtrade",
    "ingest_long_table",
    "read_country_codes",
    "read_header",
    "read_manifest",
    "read_product_names",
    "read_real_exports_hs4_2017",
    "shipped_country_codes",
    "write_reference_tables",
]
