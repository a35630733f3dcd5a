"""Whole batches of cases to records in a fixed, versioned schema (an adapter).

The one function to hand to a data engine: :func:`decide_batch` takes a batch of case
documents (a list, or a pandas, Arrow or Polars frame with a ``case`` column of JSON text)
and gives the records of every item decision as the same kind of batch, in the columns of
:func:`record_schema`. A bad case is a row with ``error`` set, never an exception, so one
bad line never fails a task. :func:`iter_records` streams the same rows one at a time.

The schema is fixed whatever the batch holds: a batch of lost parcels has the same
columns and types as a batch of exchanges, so batches concatenate. pandas, pyarrow and
Polars are imported only when a batch of theirs (or their schema) is asked for; none is
a dependency.

>>> rows = list(iter_records(['{"stage": "lost_parcel"}', "not json"]))
>>> [(r["key"], r["item"], r["error"] is not None) for r in rows]
[('0', None, True), ('1', None, True)]
>>> record_schema("outcome").names[:4]
('key', 'item', 'error', 'stage')
"""

from __future__ import annotations

import datetime
import decimal
import operator
import sys
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from atlier_policy._values import value_class
from atlier_policy.api import evaluate
from atlier_policy.codec import Level, case_from_dict, loads
from atlier_policy.decision import Decision, OrderDecision
from atlier_policy.errors import DeprecatedFormWarning, InputError, error_text, refused_form
from atlier_policy.limits import AMOUNT_PATTERN, MAX_CASE_BYTES, MAX_ID_LENGTH
from atlier_policy.records import OUTCOME_COLUMNS, to_record

if TYPE_CHECKING:
    from atlier_policy.policy import Policy
    from atlier_policy.versions import PolicyVersions

__all__ = [
    "RECORD_SCHEMA_VERSION",
    "Column",
    "RecordSchema",
    "decide_batch",
    "iter_records",
    "record_schema",
]

# Raised when a column is added, removed, renamed or retyped; the docs list each version.
RECORD_SCHEMA_VERSION = "1"

# Amounts are below 10**9 with at most 4 places (limits.py): decimal(18, 6) holds them all.
_DECIMAL = "decimal(18,6)"


@value_class()
class Column:
    """One column of the record schema: its name, type, whether it may be null, and why."""

    name: str
    type: str  # "string", "int32", "bool", "date32" or "decimal(18,6)"
    nullable: bool
    doc: str


def _col(name: str, type_: str, doc: str, *, nullable: bool = True) -> Column:
    return Column(name, type_, nullable, doc)


# Every column, in order. A row is one item decision, or one bad case (``error`` set, and
# every column after it null).
_COLUMNS = (
    _col(
        "key",
        "string",
        "the case's key: the caller's, or its position in the input",
        nullable=False,
    ),
    _col(
        "item", "int32", "the item decision's index within its case (0 first); null on an error row"
    ),
    _col("error", "string", "why the case gave no decision (one line); null on a decision row"),
    _col("stage", "string", "the stage decided (return_request, defect_claim, ...)"),
    _col("order_id", "string", "the order"),
    _col("sku", "string", "the item; null for a stage about the whole order"),
    _col("outcome", "string", "the outcome"),
    _col("granted", "bool", "whether the outcome grants something"),
    _col("reason_codes", "string", "the codes of the reasons that did not pass, ';'-joined"),
    _col("clause_ids", "string", "the clause ids of the determining reasons, ';'-joined"),
    _col("missing", "string", "the facts the decision needed and did not have, ';'-joined"),
    _col("return_shipping_paid_by", "string", "who pays the return shipping"),
    _col("refund_amount", _DECIMAL, "the refund due, in refund_currency"),
    _col("refund_currency", "string", "the refund's ISO 4217 currency"),
    _col("refund_earliest", "date32", "the first business day the refund may arrive"),
    _col("refund_latest", "date32", "the last business day the refund is due"),
    _col("last_day_to_request_return", "date32", "the last day to request a return"),
    _col("last_day_to_report_defect", "date32", "the last day to report a defect"),
    _col("customer_pays", _DECIMAL, "an exchange: what the customer pays, in settlement_currency"),
    _col("store_refunds", _DECIMAL, "an exchange: what the store refunds, in settlement_currency"),
    _col("settlement_currency", "string", "an exchange's settlement currency"),
    _col("policy_version", "string", "the policy version that decided"),
)
_KEYS = ("key", "item", "error")


@value_class()
class RecordSchema:
    """The columns of the records of one output level, and the schema's version.

    Published as JSON Schema here, and, built on demand, as an Arrow schema, a Spark DDL
    string and a Polars schema (the engine is imported only then).
    """

    level: Level
    columns: tuple[Column, ...]
    version: str = RECORD_SCHEMA_VERSION

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def to_json_schema(self) -> dict[str, Any]:
        """The JSON Schema of one record as :func:`decide_batch`'s JSON (``batch --format
        records``) writes it: amounts as decimal strings, dates as ISO dates."""
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"urn:atlier-policy:records:{self.level.value}:v{self.version}",
            "title": f"atlier_policy record ({self.level.value} level), version {self.version}",
            "type": "object",
            "properties": {c.name: _json_type(c) for c in self.columns},
            "required": list(self.names),
            "additionalProperties": False,
        }

    def to_arrow(self) -> Any:
        """A ``pyarrow.Schema`` (pyarrow imported now), with the version in its metadata."""
        pa = _engine("pyarrow")
        types = {
            "string": pa.string(),
            "int32": pa.int32(),
            "bool": pa.bool_(),
            "date32": pa.date32(),
            _DECIMAL: pa.decimal128(18, 6),
        }
        fields = [pa.field(c.name, types[c.type], nullable=c.nullable) for c in self.columns]
        return pa.schema(fields, metadata={"atlier_policy.records": self.version})

    def to_spark_ddl(self) -> str:
        """A Spark DDL string (``"key STRING NOT NULL, item INT, ..."``)."""
        types = {
            "string": "STRING",
            "int32": "INT",
            "bool": "BOOLEAN",
            "date32": "DATE",
            _DECIMAL: "DECIMAL(18,6)",
        }
        return ", ".join(
            f"{c.name} {types[c.type]}" + ("" if c.nullable else " NOT NULL") for c in self.columns
        )

    def to_polars(self) -> dict[str, Any]:
        """A Polars schema, ``{name: dtype}`` (Polars imported now)."""
        pl = _engine("polars")
        types = {
            "string": pl.String(),
            "int32": pl.Int32(),
            "bool": pl.Boolean(),
            "date32": pl.Date(),
            _DECIMAL: pl.Decimal(18, 6),
        }
        return {c.name: types[c.type] for c in self.columns}

    def empty_pandas(self) -> Any:
        """An empty pandas frame with the dtypes :func:`decide_batch` gives pandas (Dask's
        ``meta``): nullable ``Int32`` and ``boolean``, objects for text, dates, amounts."""
        return _pandas_frame(self, {name: [] for name in self.names})


def _json_type(c: Column) -> dict[str, Any]:
    kinds: dict[str, dict[str, Any]] = {
        "string": {"type": "string"},
        "int32": {"type": "integer", "minimum": 0},
        "bool": {"type": "boolean"},
        "date32": {"type": "string", "format": "date"},
        _DECIMAL: {"type": "string", "pattern": f"^{AMOUNT_PATTERN}$"},
    }
    kind = dict(kinds[c.type], description=c.doc)
    if c.nullable:
        kind["type"] = [kind["type"], "null"]
    return kind


_SCHEMAS = {
    Level.FULL: RecordSchema(Level.FULL, _COLUMNS),
    # The records never held sentences or the trace: the reasons level keeps every column.
    Level.REASONS: RecordSchema(Level.REASONS, _COLUMNS),
    Level.OUTCOME: RecordSchema(
        Level.OUTCOME, tuple(c for c in _COLUMNS if c.name in _KEYS or c.name in OUTCOME_COLUMNS)
    ),
}


def record_schema(level: Level | str = Level.FULL) -> RecordSchema:
    """The fixed record schema of ``level`` ("full", "reasons" or "outcome")."""
    return _SCHEMAS[Level.of(level)]


def _engine(name: str) -> Any:
    """An optional engine's module (imported now, unseen by type checkers: none is a
    dependency), or our error naming what to install."""
    import importlib

    try:
        if name == "pandas":
            return importlib.import_module("pandas")
        if name == "polars":
            return importlib.import_module("polars")
        return importlib.import_module("pyarrow")
    except ImportError:
        raise InputError.single(
            "engine", f"{name} installed (pip install {name})", "not installed"
        ) from None


def _key(value: object, at: int) -> str:
    """A caller's key as the key column's text: a string as it is, an integer (Python's,
    or an engine's such as NumPy's) in decimal."""
    if isinstance(value, str) and len(value) <= MAX_ID_LENGTH:
        return str(value)  # a plain str, even from a subclass (NumPy's str_)
    if not isinstance(value, bool | str):
        try:
            number = operator.index(typing.cast(typing.SupportsIndex, value))
        except TypeError:
            pass
        else:
            if abs(number) < _KEY_LIMIT:
                return str(number)
    expected = f"a string of at most {MAX_ID_LENGTH} characters, or an integer below 2**64"
    raise InputError.single(f"keys[{at}]", expected, value)


_KEY_LIMIT = 2**64  # int64 and uint64 keys (order numbers, snowflake ids) all fit


def item_rows(
    result: Decision | OrderDecision, key: str, level: Level = Level.FULL
) -> list[dict[str, Any]]:
    """The rows of one case's decision: one per item decision, numbered from 0."""
    items = result.items if isinstance(result, OrderDecision) else (result,)
    rows = []
    for i, d in enumerate(items):
        row: dict[str, Any] = {"key": key, "item": i, "error": None}
        row.update(to_record(d, level=level))
        rows.append(row)
    return rows


def error_row(key: str, exc: BaseException, level: Level = Level.FULL) -> dict[str, Any]:
    """The one row of a case that gave no decision: ``error`` says why, the rest is null."""
    row = dict.fromkeys(_SCHEMAS[level].names)
    row["key"], row["error"] = key, error_text(exc)
    return row


def _rows(
    doc: object, key: str, level: Level, policy: Policy | PolicyVersions | None
) -> list[dict[str, Any]]:
    """The rows of one case, or its error row. Never raises (but for KeyboardInterrupt
    and the like)."""
    try:
        if isinstance(doc, str | bytes | bytearray):
            if _longer_than_a_case(doc):
                raise InputError.single("case", f"at most {MAX_CASE_BYTES} bytes", "a longer text")
            doc = loads(bytes(doc) if isinstance(doc, bytearray) else doc)
        elif _is_null(doc):
            doc = None  # an engine's missing value (NaN, NA) reads as JSON's null
        if not isinstance(doc, Mapping):
            case_from_dict(doc)  # raises the command's own words: "... (got an array)"
        return item_rows(evaluate(typing.cast(Mapping[str, Any], doc), policy), key, level)
    except DeprecatedFormWarning as warning:  # an old form, and warnings are errors
        return [error_row(key, refused_form(warning), level)]
    except Exception as exc:  # a bad case is a row, never a failed task
        return [error_row(key, exc, level)]


def _longer_than_a_case(doc: str | bytes | bytearray) -> bool:
    """Whether a case's text is over MAX_CASE_BYTES in UTF-8 (a str is measured as the
    command measures a line: its bytes, not its characters)."""
    if len(doc) <= MAX_CASE_BYTES // 4 or not isinstance(doc, str):
        return len(doc) > MAX_CASE_BYTES
    return len(doc.encode("utf-8", "surrogatepass")) > MAX_CASE_BYTES


def _is_null(value: object) -> bool:
    """An engine's missing value: None, a float NaN, pandas' NA or NaT."""
    if value is None or (isinstance(value, float) and value != value):
        return True
    return type(value).__name__ in ("NAType", "NaTType")


def iter_records(
    cases: Iterable[object],
    *,
    keys: Iterable[object] | None = None,
    level: Level | str = Level.FULL,
    policy: Policy | PolicyVersions | None = None,
) -> Iterator[dict[str, Any]]:
    """The records of ``cases`` (documents: dicts, or JSON text as ``str`` or ``bytes``),
    one at a time, in :func:`record_schema`'s columns, Python values (``Decimal``,
    ``date``, ``None``). ``keys`` (strings or integers, one per case) fill the key
    column; without them, a case's key is its position (``"0"``, ``"1"``, ...).

    Without ``policy``, each case is judged under the version in force at its purchase
    date, as :func:`atlier_policy.evaluate` does. Never raises for a bad case; a bad key
    is the caller's mistake and raises :class:`~atlier_policy.errors.InputError`.
    """
    chosen = Level.of(level)
    if keys is None:
        for i, doc in enumerate(cases):
            yield from _rows(doc, str(i), chosen, policy)
        return
    given = iter(keys)
    at = 0
    for at, doc in enumerate(cases):
        key = next(given, _MISSING)
        if key is _MISSING:
            raise InputError.single("keys", "one key per case", f"{at} keys for more cases")
        yield from _rows(doc, _key(key, at), chosen, policy)
    if next(given, _MISSING) is not _MISSING:
        raise InputError.single("keys", "one key per case", "more keys than cases")


_MISSING = object()


def _columns(rows: Iterable[dict[str, Any]], schema: RecordSchema) -> dict[str, list[Any]]:
    columns: dict[str, list[Any]] = {name: [] for name in schema.names}
    appends = [(name, columns[name].append) for name in schema.names]
    for row in rows:
        for name, append in appends:
            append(row[name])
    return columns


def _pandas_frame(schema: RecordSchema, columns: dict[str, list[Any]]) -> Any:
    pd = _engine("pandas")
    dtypes = {"int32": "Int32", "bool": "boolean"}
    return pd.DataFrame(
        {
            c.name: pd.Series(columns[c.name], dtype=dtypes.get(c.type, object))
            for c in schema.columns
        }
    )


def decide_batch(
    batch: Any,
    *,
    level: Level | str = Level.FULL,
    policy: Policy | PolicyVersions | None = None,
    case_column: str = "case",
    key_column: str = "key",
) -> Any:
    """The records of a whole batch of cases, as the same kind of batch.

    * a list (or any iterable) of documents gives ``{column: [values]}`` in the schema's
      order (keys are positions);
    * a pandas ``DataFrame``, a ``pyarrow.RecordBatch`` or ``Table``, or a Polars
      ``DataFrame`` with a ``case_column`` of JSON text (and, if present, a
      ``key_column`` of strings or integers) gives the same kind of frame, typed by
      :meth:`RecordSchema.to_arrow` (Arrow), :meth:`RecordSchema.to_polars` (Polars) or
      :meth:`RecordSchema.empty_pandas` (pandas).

    Hand it whole partitions (Dask ``map_partitions``, Spark ``mapInArrow``, Ray
    ``map_batches``, Polars ``map_batches``), never one row at a time: docs/scale.md.
    """
    schema = record_schema(level)
    module = _frame_kind(batch)
    if module is None:
        return _columns(iter_records(batch, level=schema.level, policy=policy), schema)
    names = list(batch.column_names if module == "pyarrow" else batch.columns)
    for name in (case_column, key_column):
        if names.count(name) > 1:
            raise InputError.single(name, "one column of that name", f"{names.count(name)}")
    if case_column not in names:
        raise InputError.single(case_column, "a column of case documents (JSON text)", names)
    cases = _column_values(batch, case_column, module)
    keys = _column_values(batch, key_column, module) if key_column in names else None
    columns = _columns(iter_records(cases, keys=keys, level=schema.level, policy=policy), schema)
    if module == "pandas":
        return _pandas_frame(schema, columns)
    if module == "polars":
        return _engine("polars").DataFrame(columns, schema=schema.to_polars())
    pa = _engine("pyarrow")
    made = pa.RecordBatch.from_pydict(columns, schema=schema.to_arrow())
    return pa.Table.from_batches([made]) if isinstance(batch, pa.Table) else made


_FRAMES = (
    ("pandas", ("DataFrame",)),
    ("pyarrow", ("RecordBatch", "Table")),
    ("polars", ("DataFrame",)),
)
_BATCH = "a list of case documents, or a pandas, Polars or Arrow frame with a case column"


def _frame_kind(batch: object) -> str | None:
    """Which engine's frame ``batch`` is (subclasses included), or ``None`` for a list of
    documents; anything else that is not a list (a string, a mapping, a series, a lazy
    or unknown kind of frame) is the caller's mistake."""
    for name, classes in _FRAMES:
        module = sys.modules.get(name)  # never imported here: a frame's module is loaded
        if module is not None and isinstance(batch, tuple(getattr(module, c) for c in classes)):
            return name
    engine = type(batch).__module__.split(".", 1)[0]
    if (
        isinstance(batch, str | bytes | bytearray | Mapping)
        or not isinstance(batch, Iterable)
        or engine in ("pandas", "pyarrow", "polars", "dask", "modin", "cudf", "pyspark", "ray")
        # Asked last: a lazy frame resolves its schema to answer (a warning, a cost).
        or hasattr(batch, "columns")
        or hasattr(batch, "column_names")
    ):
        raise InputError.single("batch", _BATCH, type(batch).__name__)
    return None


def _column_values(batch: Any, name: str, module: str) -> list[Any]:
    if module == "pandas":
        return list(batch[name].tolist())
    if module == "polars":
        return list(batch[name].to_list())
    return list(batch.column(name).to_pylist())


def json_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A record as JSON values: amounts as decimal strings, dates as ISO dates (what
    :meth:`RecordSchema.to_json_schema` describes; :func:`from_json_row` reads it back)."""
    return {k: _json_value(v) for k, v in row.items()}


def _json_value(value: object) -> object:
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def from_json_row(row: Mapping[str, Any], schema: RecordSchema) -> dict[str, Any]:
    """A record from its JSON form (:func:`json_row`), with ``Decimal`` and ``date``."""
    readers: dict[str, Callable[[str], object]] = {
        _DECIMAL: decimal.Decimal,
        "date32": datetime.date.fromisoformat,
    }
    out = {}
    for c in schema.columns:
        value = row[c.name]
        read = readers.get(c.type)
        out[c.name] = value if value is None or read is None else read(value)
    return out
