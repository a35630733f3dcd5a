"""The facts of a case, one typed value per stage at which the policy applies.

Every fact the policy needs is a field. ``None`` means *unknown*, everywhere: a
rule that needs an unknown fact cannot decide, and the decision is "incomplete"
or "needs review", never an approval. A fact that must be able to say "not yet"
or "none" has an explicit value for it (:data:`NOT_YET`, ``SaleEvent.NONE``,
``ProofOfPurchase.NONE``...), so that ``None`` is never read as one. Instants
are timezone-aware datetimes (naive ones are refused); they are turned into
calendar dates in the store's time zone by the clauses. Where the policy needs only
that date (a delivery, a return request, a defect report), a :class:`StoreDay` may
stand for the whole day in the store's time zone. Money is
:class:`~atlier_policy.money.Money` (``Decimal`` with an ISO 4217 currency).

Values are frozen, slotted and keyword-only; build variants with
``dataclasses.replace``.
"""

from __future__ import annotations

import enum
import types
from dataclasses import field
from datetime import UTC, date, datetime, tzinfo
from typing import Any, Self, SupportsIndex, TypeVar

from atlier_policy._values import value_class
from atlier_policy.errors import InputError
from atlier_policy.limits import FIRST_YEAR as _FIRST_YEAR
from atlier_policy.limits import LAST_YEAR as _LAST_YEAR
from atlier_policy.limits import MAX_ID_LENGTH
from atlier_policy.limits import MAX_ITEMS as _MAX_ITEMS
from atlier_policy.money import Money
from atlier_policy.strings import text_problem

__all__ = [
    "NOT_YET",
    "Condition",
    "CustomOrderCancellation",
    "DefectCause",
    "DefectClaim",
    "DefectKind",
    "ExchangeRequest",
    "Inspection",
    "Item",
    "ItemKind",
    "LostParcelReport",
    "Money",
    "NotYet",
    "NoticeChannel",
    "ParcelStatus",
    "ProductionStatus",
    "ProofOfPurchase",
    "ReturnItem",
    "ReturnLine",
    "ReturnReason",
    "ReturnRequest",
    "SaleEvent",
    "SalesChannel",
    "StoreDay",
]


class NotYet(enum.StrEnum):
    """The explicit "has not happened yet" of an event's instant (``None`` is unknown)."""

    NOT_YET = "not_yet"


NOT_YET = NotYet.NOT_YET
"""E.g. ``DefectClaim(photos_sent_at=NOT_YET)``: no photos have reached the store."""


class ItemKind(enum.StrEnum):
    """§1/§2: ready-made pieces can be returned; custom-made ones cannot."""

    READY_MADE = "ready_made"
    CUSTOM_MADE = "custom_made"


class SaleEvent(enum.StrEnum):
    """§2: the kind of event the item was bought in, ``NONE`` for full price."""

    NONE = "none"
    SALE = "sale"
    PROMOTION = "promotion"
    CLEARANCE = "clearance"


class SalesChannel(enum.StrEnum):
    """Where the item was bought; the policy covers the website only."""

    WEBSITE = "website"
    MARKETPLACE = "marketplace"
    RETAIL_STORE = "retail_store"
    OTHER = "other"


class ProofOfPurchase(enum.StrEnum):
    """§1: "order confirmation or invoice"."""

    ORDER_CONFIRMATION = "order_confirmation"
    INVOICE = "invoice"
    NONE = "none"


class ReturnReason(enum.StrEnum):
    """Why an item is sent back outside a defect claim."""

    CHANGE_OF_MIND = "change_of_mind"
    STORE_ERROR = "store_error"  # §4 "error on our part": wrong item, wrong size sent


class DefectKind(enum.StrEnum):
    """§3: "arrives damaged or contains a manufacturing defect"."""

    ARRIVED_DAMAGED = "arrived_damaged"
    MANUFACTURING_DEFECT = "manufacturing_defect"


class NoticeChannel(enum.StrEnum):
    """§3: how the customer notified the store (the text asks for e-mail)."""

    EMAIL = "email"
    OTHER = "other"


class DefectCause(enum.StrEnum):
    """The quality team's finding on what caused a fault (§3)."""

    NONE_FOUND = "none_found"
    MANUFACTURING_DEFECT = "manufacturing_defect"
    ARRIVED_DAMAGED = "arrived_damaged"
    MISUSE = "misuse"
    ACCIDENT = "accident"
    WEAR_AND_TEAR = "wear_and_tear"


class ParcelStatus(enum.StrEnum):
    """Where a return parcel is, as tracking reports it (§4)."""

    IN_TRANSIT = "in_transit"
    DELIVERED_TO_STORE = "delivered_to_store"
    LOST = "lost"


class ProductionStatus(enum.StrEnum):
    """§2: whether production of a custom order has begun."""

    NOT_STARTED = "not_started"
    STARTED = "started"


def before(a: datetime, b: datetime) -> bool:
    """Whether instant ``a`` is strictly earlier than instant ``b``.

    Python compares two datetimes of the *same* zone by wall clock, which is wrong
    across a daylight-saving change; timestamps compare the instants.

    >>> from zoneinfo import ZoneInfo
    >>> ny = ZoneInfo("America/New_York")
    >>> first = datetime(2025, 11, 2, 1, 30, tzinfo=ny)  # 01:30 EDT
    >>> second = datetime(2025, 11, 2, 1, 10, fold=1, tzinfo=ny)  # 01:10 EST, 40 min later
    >>> second < first, before(second, first)
    (True, False)
    """
    return a.timestamp() < b.timestamp()


class StoreDay(datetime):
    """A calendar day in the store's time zone, where the policy needs only the date.

    A delivery, a return request or a defect report is judged by its calendar date in
    the store's time zone (docs/interpretation.md, 2 and 31). A backend that knows only
    the day writes ``"2025-03-03"``; the codec gives the field a ``StoreDay``. It is an
    aware ``datetime`` (noon UTC, so that every instant-only reader keeps working) whose
    conversion to any zone is that same day: its store date is its own date, whatever
    the store's zone. It writes itself as the date.

    A store day is a day, not an instant:

    - it is built from the date it names: ``StoreDay.of(date)``, or the datetime
      constructors (``StoreDay(2025, 3, 3)``, ``StoreDay.fromisoformat(...)``,
      ``replace``, ``+``/``-`` a ``timedelta``), whose written date it keeps, whatever
      time or zone (or none) came with it; it is always noon UTC of that date;
    - it equals another store day of the same date and nothing else, never a plain
      ``datetime`` (not even noon UTC of its date: the two can decide differently), and
      hashes accordingly;
    - it is ordered against another store day by date; against a plain ``datetime`` (or
      a ``date``), ``<``, ``<=``, ``>``, ``>=`` raise ``TypeError`` (as a naive and an
      aware datetime do): the order of a day and an instant is a question of the store's zone, which
      ``cases._earlier`` and the clauses answer.

    >>> from zoneinfo import ZoneInfo
    >>> day = StoreDay.of(date(2025, 3, 3))
    >>> day.isoformat(), day.astimezone(ZoneInfo("Pacific/Kiritimati")).date()
    ('2025-03-03', datetime.date(2025, 3, 3))
    >>> day.astimezone(ZoneInfo("Pacific/Pago_Pago")).date()
    datetime.date(2025, 3, 3)
    >>> day == StoreDay(2025, 3, 3), day == datetime(2025, 3, 3, 12, tzinfo=UTC)
    (True, False)
    """

    __slots__ = ()

    def __new__(cls, *args: Any, **kwargs: Any) -> Self:
        """The store day of the date written by ``datetime(*args, **kwargs)``."""
        written = datetime(*args, **kwargs)
        return super().__new__(cls, written.year, written.month, written.day, 12, tzinfo=UTC)

    @classmethod
    def of(cls, day: date) -> StoreDay:
        """The store day of calendar date ``day``."""
        if not isinstance(day, date) or isinstance(day, datetime):
            raise InputError.single("day", "a date (not a datetime)", day, "store day")
        return cls(day.year, day.month, day.day)

    def replace(self, *args: Any, **kwargs: Any) -> Self:
        """The store day of the date so replaced (time and zone are not a day's)."""
        moved = datetime.replace(self, *args, **kwargs)
        return type(self)(moved.year, moved.month, moved.day)

    def astimezone(self, tz: tzinfo | None = None) -> Self:
        """The same day: a store day has no instant of its own to convert."""
        return self

    def isoformat(self, sep: str = "T", timespec: str = "auto") -> str:
        """The date alone, as a document writes it: ``2025-03-03``."""
        return self.date().isoformat()

    def __repr__(self) -> str:
        return f"{type(self).__qualname__}({self.year}, {self.month}, {self.day})"

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[type[Self], tuple[int, int, int]]:
        return (type(self), (self.year, self.month, self.day))

    def __reduce__(self) -> tuple[type[Self], tuple[int, int, int]]:
        return self.__reduce_ex__(2)

    def _key(self) -> tuple[str, date]:
        return ("store day", self.date())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, StoreDay):
            return self._key() == other._key()
        if isinstance(other, date):
            return False  # a plain datetime (an instant) or a date is not a store day
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(self._key())

    def _order(self, other: object) -> tuple[date, date] | None:
        if isinstance(other, StoreDay):
            return (self.date(), other.date())
        if isinstance(other, date):  # an instant, or a plain date (as a datetime refuses it)
            raise TypeError(
                f"a store day ({self.isoformat()}) and {other!r} are not ordered without "
                "the store's zone: compare their store dates"
            )
        return None

    def __lt__(self, other: object) -> bool:
        pair = self._order(other)
        return NotImplemented if pair is None else pair[0] < pair[1]

    def __le__(self, other: object) -> bool:
        pair = self._order(other)
        return NotImplemented if pair is None else pair[0] <= pair[1]

    def __gt__(self, other: object) -> bool:
        pair = self._order(other)
        return NotImplemented if pair is None else pair[0] > pair[1]

    def __ge__(self, other: object) -> bool:
        pair = self._order(other)
        return NotImplemented if pair is None else pair[0] >= pair[1]


def _earlier(a: datetime, b: datetime) -> bool:
    """Whether fact ``a`` comes strictly before fact ``b``: by the instants, or by the
    calendar dates when either is a :class:`StoreDay` (an instant's date as written, in
    its own offset: a case does not know the store's zone)."""
    if isinstance(a, StoreDay) or isinstance(b, StoreDay):
        return a.date() < b.date()  # a store day's own date, an instant's as written
    return before(a, b)


# --- field checks shared by every case -------------------------------------------------

E = TypeVar("E", bound=enum.Enum)


def _aware(
    value: object,
    name: str,
    ctx: str,
    *,
    required: bool = False,
    not_yet: bool = False,
    day: bool = False,
) -> None:
    if (value is None and not required) or (not_yet and value is NotYet.NOT_YET):
        return
    if not isinstance(value, datetime):
        what = "a timezone-aware datetime" + (", NOT_YET or None (unknown)" if not_yet else "")
        raise InputError.single(name, what + (" or a StoreDay" if day else ""), value, ctx)
    if isinstance(value, StoreDay) and not day:
        raise InputError.single(
            name,
            "a timezone-aware datetime (a calendar day only for a delivery, a return "
            "request or a defect report)",
            value.isoformat(),
            ctx,
        )
    if value.tzinfo is None or value.utcoffset() is None:
        raise InputError.single(
            name, "a timezone-aware datetime", f"{value.isoformat()}, no offset", ctx
        )
    if not _FIRST_YEAR <= value.year <= _LAST_YEAR:
        # Keeps every deadline computable (date arithmetic near year 1 or 9999 overflows).
        raise InputError.single(
            name, f"in the years {_FIRST_YEAR}-{_LAST_YEAR}", value.isoformat(), ctx
        )


def _opt(value: object, kind: type | tuple[type, ...], name: str, ctx: str, what: str) -> None:
    if value is not None and (
        type(value) is not kind if kind is bool else not isinstance(value, kind)
    ):
        raise InputError.single(name, what, value, ctx)


def _req(value: object, kind: type | tuple[type, ...], name: str, ctx: str, what: str) -> None:
    """A value the case cannot do without (a piece, its condition, the request inspected)."""
    if not isinstance(value, kind):
        raise InputError.single(name, what, value, ctx)


def _text(value: object, name: str, ctx: str) -> None:
    """An identifier: 1 to MAX_ID_LENGTH characters, valid Unicode, a visible one among them."""
    problem = text_problem(value, MAX_ID_LENGTH)
    if problem is not None:
        raise InputError.single(name, problem, value, ctx)


def _enum(value: object, cls: type[E], name: str, ctx: str) -> None:
    if value is not None and not isinstance(value, cls):
        choices = ", ".join(repr(m.value) for m in cls)
        raise InputError.single(name, f"a {cls.__name__} ({choices}) or None", value, ctx)


def _bools(obj: Any, names: tuple[str, ...], ctx: str) -> None:
    for name in names:
        _opt(getattr(obj, name), bool, name, ctx, "True, False or None (unknown)")


_STORE_DAY = types.MappingProxyType({"store_day": True})
"""Field metadata: the field may hold a :class:`StoreDay` (the codec reads a calendar
date there)."""


# --- what was bought ------------------------------------------------------------------------


@value_class(kw_only=True)
class Item:
    """A purchased piece of jewelry and the facts recorded at purchase and delivery."""

    sku: str
    price: Money | None = None
    kind: ItemKind | None = None
    personalized: bool | None = None
    engraved: bool | None = None
    resized: bool | None = None
    altered: bool | None = None
    sale_event: SaleEvent | None = None
    channel: SalesChannel | None = None
    purchased_at: datetime | None = None
    delivered_at: datetime | None = field(default=None, metadata=_STORE_DAY)

    def __init__(
        self,
        *,
        sku: str,
        price: Money | None = None,
        kind: ItemKind | None = None,
        personalized: bool | None = None,
        engraved: bool | None = None,
        resized: bool | None = None,
        altered: bool | None = None,
        sale_event: SaleEvent | None = None,
        channel: SalesChannel | None = None,
        purchased_at: datetime | None = None,
        delivered_at: datetime | None = None,
    ) -> None:
        # Written out (a hot path): value_class's generic one is twice as slow.
        put = object.__setattr__
        put(self, "sku", sku)
        put(self, "price", price)
        put(self, "kind", kind)
        put(self, "personalized", personalized)
        put(self, "engraved", engraved)
        put(self, "resized", resized)
        put(self, "altered", altered)
        put(self, "sale_event", sale_event)
        put(self, "channel", channel)
        put(self, "purchased_at", purchased_at)
        put(self, "delivered_at", delivered_at)
        self.__post_init__()

    def __post_init__(self) -> None:
        ctx = "item"
        _text(self.sku, "sku", ctx)
        _opt(self.price, Money, "price", ctx, "a Money")
        _enum(self.kind, ItemKind, "kind", ctx)
        _bools(self, ("personalized", "engraved", "resized", "altered"), ctx)
        _enum(self.sale_event, SaleEvent, "sale_event", ctx)
        _enum(self.channel, SalesChannel, "channel", ctx)
        _aware(self.purchased_at, "purchased_at", ctx)
        _aware(self.delivered_at, "delivered_at", ctx, day=True)
        if (
            self.purchased_at
            and self.delivered_at
            and _earlier(self.delivered_at, self.purchased_at)
        ):
            raise InputError.single(
                "delivered_at",
                f"on or after purchased_at {self.purchased_at.isoformat()}",
                self.delivered_at.isoformat(),
                ctx,
            )


@value_class(kw_only=True)
class Condition:
    """§1: "unused, unworn, and in its original packaging, with all certificates,
    tags, and accessories included" -- declared by the customer at request time,
    verified by the quality team at inspection (whose finding wins)."""

    unused: bool | None = None
    unworn: bool | None = None
    original_packaging: bool | None = None
    certificates_included: bool | None = None
    tags_included: bool | None = None
    accessories_included: bool | None = None

    def __init__(
        self,
        *,
        unused: bool | None = None,
        unworn: bool | None = None,
        original_packaging: bool | None = None,
        certificates_included: bool | None = None,
        tags_included: bool | None = None,
        accessories_included: bool | None = None,
    ) -> None:
        # Written out (a hot path): value_class's generic one is twice as slow.
        put = object.__setattr__
        put(self, "unused", unused)
        put(self, "unworn", unworn)
        put(self, "original_packaging", original_packaging)
        put(self, "certificates_included", certificates_included)
        put(self, "tags_included", tags_included)
        put(self, "accessories_included", accessories_included)
        self.__post_init__()

    def __post_init__(self) -> None:
        _bools(self, _CONDITION_FIELDS, "condition")

    @classmethod
    def as_new(cls) -> Condition:
        """Every condition of §1 met."""
        return cls(**dict.fromkeys(_CONDITION_FIELDS, True))


_CONDITION_FIELDS = (
    "unused",
    "unworn",
    "original_packaging",
    "certificates_included",
    "tags_included",
    "accessories_included",
)


# --- stage 1: return request ------------------------------------------------------------


@value_class(kw_only=True)
class ReturnItem:
    """One line of a return request.

    ``defect_confirmed`` is the store's own record of a defect from an earlier stage
    (an accepted defect claim). Until the inspection it is a *claim*: it lifts the
    sale exclusion of §2 provisionally, and the quality team's finding
    (``Inspection.cause``) confirms or overturns it. No record means ``False``;
    ``None`` means the record is unknown. ``reason`` ``STORE_ERROR`` is likewise a
    claim of an error on our part, confirmed by ``Inspection.store_error_confirmed``.
    """

    item: Item
    condition: Condition = field(default_factory=Condition)
    reason: ReturnReason | None = ReturnReason.CHANGE_OF_MIND
    defect_confirmed: bool | None = False

    def __post_init__(self) -> None:
        ctx = "return item"
        _req(self.item, Item, "item", ctx, "an Item")
        _req(self.condition, Condition, "condition", ctx, "a Condition")
        _enum(self.reason, ReturnReason, "reason", ctx)
        _opt(self.defect_confirmed, bool, "defect_confirmed", ctx, "True, False or None")

    def line(self, requested_at: datetime, proof: ProofOfPurchase | None) -> ReturnLine:
        """This item as the §1/§2 clauses judge it, with the request's facts."""
        return ReturnLine(
            item=self.item,
            requested_at=requested_at,
            proof_of_purchase=proof,
            condition=self.condition,
            reason=self.reason,
            defect_confirmed=self.defect_confirmed,
        )


@value_class(kw_only=True)
class ReturnRequest:
    """Stage 1: the customer asks to return one or more items of an order."""

    order_id: str
    requested_at: datetime = field(metadata=_STORE_DAY)
    items: tuple[ReturnItem, ...]
    proof_of_purchase: ProofOfPurchase | None = None

    def __post_init__(self) -> None:
        ctx = "return request"
        _text(self.order_id, "order_id", ctx)
        _aware(self.requested_at, "requested_at", ctx, required=True, day=True)
        if not isinstance(self.items, tuple) or not 1 <= len(self.items) <= _MAX_ITEMS:
            raise InputError.single(
                "items", f"a tuple of 1 to {_MAX_ITEMS} ReturnItem", self.items, ctx
            )
        for i, line in enumerate(self.items):
            _opt(line, ReturnItem, f"items[{i}]", ctx, "a ReturnItem")
            _after_item(self.requested_at, "requested_at", line.item, f"items[{i}].item.", ctx)
        _enum(self.proof_of_purchase, ProofOfPurchase, "proof_of_purchase", ctx)

    def lines(self) -> tuple[ReturnLine, ...]:
        """One :class:`ReturnLine` per item, the unit the §1/§2 clauses judge."""
        return tuple(r.line(self.requested_at, self.proof_of_purchase) for r in self.items)


def _not_before(
    later: datetime | NotYet | None,
    later_name: str,
    earlier: datetime | NotYet | None,
    earlier_name: str,
    ctx: str,
) -> None:
    """Refuse two facts in an impossible order, naming both fields."""
    if isinstance(later, datetime) and isinstance(earlier, datetime) and _earlier(later, earlier):
        raise InputError.single(
            later_name, f"on or after {earlier_name} {earlier.isoformat()}", later.isoformat(), ctx
        )


def _after_item(at: datetime, name: str, item: Item, prefix: str, ctx: str) -> None:
    """An act on a piece (a request, a report, a cancellation) follows its purchase and,
    except for a cancellation, its delivery."""
    _not_before(at, name, item.purchased_at, f"{prefix}purchased_at", ctx)
    _not_before(at, name, item.delivered_at, f"{prefix}delivered_at", ctx)


@value_class(kw_only=True)
class ReturnLine:
    """The facts the §1 and §2 clauses judge: one item of a request.

    Built by :meth:`ReturnRequest.lines`, and by the inspection and exchange
    stages. At the inspection of a return (``inspected``), ``condition`` is the
    quality team's finding, and ``cause`` and ``store_error_confirmed`` are its
    findings on a defect and on an error on our part: they confirm or overturn
    the claims ``defect_confirmed`` and ``reason`` carried from the request.
    """

    item: Item
    requested_at: datetime | None
    proof_of_purchase: ProofOfPurchase | None
    condition: Condition
    reason: ReturnReason | None
    defect_confirmed: bool | None
    inspected: bool = False
    cause: DefectCause | None = None
    store_error_confirmed: bool | None = None

    def __init__(
        self,
        *,
        item: Item,
        requested_at: datetime | None,
        proof_of_purchase: ProofOfPurchase | None,
        condition: Condition,
        reason: ReturnReason | None,
        defect_confirmed: bool | None,
        inspected: bool = False,
        cause: DefectCause | None = None,
        store_error_confirmed: bool | None = None,
    ) -> None:
        # Written out (a hot path): value_class's generic one is twice as slow.
        put = object.__setattr__
        put(self, "item", item)
        put(self, "requested_at", requested_at)
        put(self, "proof_of_purchase", proof_of_purchase)
        put(self, "condition", condition)
        put(self, "reason", reason)
        put(self, "defect_confirmed", defect_confirmed)
        put(self, "inspected", inspected)
        put(self, "cause", cause)
        put(self, "store_error_confirmed", store_error_confirmed)


# --- stage 2: defect claim --------------------------------------------------------------


@value_class(kw_only=True)
class DefectClaim:
    """Stage 2: the customer reports a damaged or defective piece (§3).

    ``photos_sent_at`` is when clear photos reached the store, :data:`NOT_YET`
    if none have (``None``: unknown). ``as_of`` is the moment of evaluation,
    passed in (the library reads no clock); without it the claim is judged as of
    ``reported_at``.
    """

    order_id: str
    item: Item
    reported_at: datetime = field(metadata=_STORE_DAY)
    kind: DefectKind | None = None
    channel: NoticeChannel | None = None
    photos_sent_at: datetime | NotYet | None = None
    as_of: datetime | None = None

    def __post_init__(self) -> None:
        ctx = "defect claim"
        _text(self.order_id, "order_id", ctx)
        _req(self.item, Item, "item", ctx, "an Item")
        _aware(self.reported_at, "reported_at", ctx, required=True, day=True)
        _enum(self.kind, DefectKind, "kind", ctx)
        _enum(self.channel, NoticeChannel, "channel", ctx)
        _aware(self.photos_sent_at, "photos_sent_at", ctx, not_yet=True)
        _aware(self.as_of, "as_of", ctx)
        _after_item(self.reported_at, "reported_at", self.item, "item.", ctx)
        _not_before(
            self.photos_sent_at, "photos_sent_at", self.item.delivered_at, "item.delivered_at", ctx
        )
        _not_before(self.as_of, "as_of", self.reported_at, "reported_at", ctx)


# --- stage 3: lost return parcel --------------------------------------------------------


@value_class(kw_only=True)
class LostParcelReport:
    """Stage 3: what tracking says of a return parcel (§4)."""

    order_id: str
    status: ParcelStatus | None = None
    shipped_at: datetime | None = None
    tracked: bool | None = None
    insured: bool | None = None

    def __post_init__(self) -> None:
        ctx = "lost parcel report"
        _text(self.order_id, "order_id", ctx)
        _enum(self.status, ParcelStatus, "status", ctx)
        _aware(self.shipped_at, "shipped_at", ctx)
        _bools(self, ("tracked", "insured"), ctx)


# --- stage 4: inspection result ---------------------------------------------------------


@value_class(kw_only=True)
class Inspection:
    """Stage 4: the quality team has received and inspected a returned piece.

    ``request`` is the earlier stage's facts: a :class:`ReturnRequest` with one
    item (a return) or a :class:`DefectClaim` (a defect). ``condition`` and
    ``cause`` are the team's findings; for a return they replace what the
    customer declared. ``inspected_at`` is the approval or rejection instant.

    ``cause`` is the finding that decides (``NONE_FOUND`` when the team found no
    fault): it confirms or overturns a defect claimed earlier. For a return sent
    back as a store error (``ReturnReason.STORE_ERROR``), ``store_error_confirmed``
    is the team's finding on that error (``None``: not yet established).
    """

    order_id: str
    request: ReturnRequest | DefectClaim
    inspected_at: datetime
    condition: Condition = field(default_factory=Condition)
    cause: DefectCause | None = None
    repair_possible: bool | None = None
    replacement_possible: bool | None = None
    return_shipping_cost: Money | None = None
    store_error_confirmed: bool | None = None

    def __post_init__(self) -> None:
        ctx = "inspection"
        _text(self.order_id, "order_id", ctx)
        _req(
            self.request,
            (ReturnRequest, DefectClaim),
            "request",
            ctx,
            "a ReturnRequest or a DefectClaim",
        )
        if isinstance(self.request, ReturnRequest) and len(self.request.items) != 1:
            raise InputError.single(
                "request.items", "exactly one item", len(self.request.items), ctx
            )
        _aware(self.inspected_at, "inspected_at", ctx, required=True)
        _req(self.condition, Condition, "condition", ctx, "a Condition")
        _enum(self.cause, DefectCause, "cause", ctx)
        _bools(self, ("repair_possible", "replacement_possible", "store_error_confirmed"), ctx)
        _opt(self.return_shipping_cost, Money, "return_shipping_cost", ctx, "a Money")
        if self.order_id != self.request.order_id:
            raise InputError.single(
                "order_id", f"the request's order_id {self.request.order_id!r}", self.order_id, ctx
            )
        started, name = (
            (self.request.requested_at, "request.requested_at")
            if isinstance(self.request, ReturnRequest)
            else (self.request.reported_at, "request.reported_at")
        )
        _not_before(self.inspected_at, "inspected_at", started, name, ctx)

    @property
    def item(self) -> Item:
        req = self.request
        return req.items[0].item if isinstance(req, ReturnRequest) else req.item


# --- stage 5: custom order cancellation -------------------------------------------------


@value_class(kw_only=True)
class CustomOrderCancellation:
    """Stage 5: the customer cancels a custom order (§2).

    ``production_started_at`` is when production began, if it has and the
    instant is known; ``production`` says whether it has begun at all.
    """

    order_id: str
    item: Item
    cancelled_at: datetime
    production: ProductionStatus | None = None
    production_started_at: datetime | None = None

    def __post_init__(self) -> None:
        ctx = "custom order cancellation"
        _text(self.order_id, "order_id", ctx)
        _req(self.item, Item, "item", ctx, "an Item")
        _aware(self.cancelled_at, "cancelled_at", ctx, required=True)
        _enum(self.production, ProductionStatus, "production", ctx)
        _aware(self.production_started_at, "production_started_at", ctx)
        started = self.production_started_at
        if self.production is ProductionStatus.NOT_STARTED and started:
            raise InputError.single(
                "production_started_at",
                "None while production is not_started",
                started.isoformat(),
                ctx,
            )
        delivered = self.item.delivered_at
        if (
            self.production is ProductionStatus.NOT_STARTED
            and delivered is not None
            and not _earlier(self.cancelled_at, delivered)
        ):
            # A piece delivered by the time it was cancelled had been made.
            raise InputError.single(
                "production",
                f"'started' or None for a piece delivered before the cancellation "
                f"(item.delivered_at {delivered.isoformat()})",
                self.production.value,
                ctx,
            )
        _not_before(
            self.cancelled_at, "cancelled_at", self.item.purchased_at, "item.purchased_at", ctx
        )
        _not_before(
            started, "production_started_at", self.item.purchased_at, "item.purchased_at", ctx
        )
        _not_before(delivered, "item.delivered_at", started, "production_started_at", ctx)
        if self.production is ProductionStatus.STARTED and started is not None:
            # "started" is the status when the order was cancelled.
            _not_before(
                self.cancelled_at,
                "cancelled_at",
                started,
                "production_started_at (production 'started')",
                ctx,
            )


# --- stage 6: exchange ------------------------------------------------------------------


@value_class(kw_only=True)
class ExchangeRequest:
    """Stage 6: the customer asks to exchange an item for another product (§5).

    ``requested_at`` is when the customer contacted the store; ``returned_at``
    when the item was sent back, :data:`NOT_YET` if it has not been (``None``:
    unknown). §5 wants contact first.
    """

    order_id: str
    requested_at: datetime
    item: ReturnItem
    wanted_sku: str
    wanted_available: bool | None = None
    wanted_price: Money | None = None
    proof_of_purchase: ProofOfPurchase | None = None
    returned_at: datetime | NotYet | None = None

    def __post_init__(self) -> None:
        ctx = "exchange request"
        _text(self.order_id, "order_id", ctx)
        _aware(self.requested_at, "requested_at", ctx, required=True)
        _req(self.item, ReturnItem, "item", ctx, "a ReturnItem")
        _text(self.wanted_sku, "wanted_sku", ctx)
        _opt(self.wanted_available, bool, "wanted_available", ctx, "True, False or None")
        _opt(self.wanted_price, Money, "wanted_price", ctx, "a Money")
        _enum(self.proof_of_purchase, ProofOfPurchase, "proof_of_purchase", ctx)
        _aware(self.returned_at, "returned_at", ctx, not_yet=True)
        _after_item(self.requested_at, "requested_at", self.item.item, "item.item.", ctx)
        _not_before(
            self.returned_at,
            "returned_at",
            self.item.item.delivered_at,
            "item.item.delivered_at",
            ctx,
        )

    def line(self) -> ReturnLine:
        """The §1/§2 view of the item: an exchange is for eligible items only."""
        return self.item.line(self.requested_at, self.proof_of_purchase)
