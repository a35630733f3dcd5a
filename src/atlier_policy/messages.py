"""Customer-facing messages and the support-agent view of a decision.

Messages come from a :class:`Templates` set: an immutable mapping from a key to a
``str.format`` template with named fields. A store changes the wording with
:meth:`Templates.with_overrides`; a second language is a new set
(:meth:`Templates.of`), with no code change. Keys:

- ``outcome.<stage>.<outcome>`` -- the opening sentence of a decision;
- ``reason.<code>.<finding>`` -- one per failing or unknown reason
  (``reason.delivered_at.unknown`` for any reason that lacks the delivery date,
  ``reason.other`` for a reason code the set does not know, e.g. a store's own clause);
- ``notice.<code>[.<variant>]`` -- what follows (shipping, refund window, price difference);
- ``greeting``, ``contact``, ``signature``, ``order.header``, ``item.header``;
- ``value.<fact>.<value>`` (optional) -- how a fact's value reads, e.g.
  ``value.sale_event.clearance``; without one, ``clearance_sale`` reads ``clearance sale``;
- ``value.unknown`` -- a value the decision does not give.

Fields available to every template: ``order_id``, ``sku``, ``support_email``,
``support_phone``, ``return_window_days``, ``defect_notice_days``, the decision's
dates and amounts (``last_day_to_request_return``, ``last_day_to_report_defect``,
``refund_earliest``, ``refund_latest``, ``refund_amount``,
``return_shipping_reimbursed``, ``customer_pays``, ``store_refunds``) and the facts
of the decision's reasons (``delivered``, ``requested``, ``last_day_to_request``,
``sale_event``...); a reason's template sees its own facts first. ``greeting``,
``contact``, ``signature`` and ``order.header`` see ``order_id``, ``support_email`` and
``support_phone`` only; ``suggestion.*`` and ``blocker.*`` (:func:`advice_message`) see the
advice's own fields.

Dates and amounts reach the templates typed (a ``date``, a :class:`~atlier_policy.money.Money`,
and a fact recorded as one); one :class:`Formatter` per message writes them. By default
they read as the decision writes them (``2025-03-10``, ``240.00 USD``); with
``locale="fr_FR"`` (the ``i18n`` extra, Babel) as that locale writes them (``10 mars 2025``,
``240,00 $US``), with the currency's own ISO 4217 decimals. The template text stays that of
the set given: a locale changes how values read, not the language of the sentences.

A set is checked when it is built: every key of :data:`REQUIRED_KEYS` present, and each
template of a key the library renders naming only fields the library gives it.

>>> from atlier_policy import evaluate
>>> d = evaluate({"stage": "lost_parcel", "order_id": "A-7", "status": "in_transit",
...               "shipped_at": "2025-03-06T12:00:00-05:00"})
>>> print(customer_message(d).splitlines()[2])
Your return parcel for order A-7 is still on its way to us. We will inspect it as soon as it arrives.
"""

# ruff: noqa: E501 -- the default wording, one template per line
from __future__ import annotations

import copy
import re
import string
from collections.abc import Iterator, Mapping
from dataclasses import field
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from atlier_policy._values import value_class
from atlier_policy.advice import Blocker, Suggestion
from atlier_policy.deadlines import store_date
from atlier_policy.decision import FINDING_MARKS, Decision, OrderDecision
from atlier_policy.errors import InputError
from atlier_policy.money import CURRENCIES, Money
from atlier_policy.policy import Case, Policy
from atlier_policy.rules import Clause, Finding
from atlier_policy.stages import PROVISIONS
from atlier_policy.strings import in_words, one_line
from atlier_policy.terms import SUPPORT_PHONE, PolicyTerms
from atlier_policy.versions import PolicyVersions, _typed, policy_named

__all__ = [
    "DEFAULT_TEMPLATES",
    "REQUIRED_KEYS",
    "Formatter",
    "Templates",
    "advice_message",
    "agent_view",
    "customer_message",
    "reason_message",
]


_I18N = "pip install 'atlier-policy[i18n]'"


@value_class()
class Formatter:
    """How one message writes its dates and amounts.

    Without a locale, as the decision writes them: ISO dates and the amount, with its
    currency's decimals, then the code. With a locale (Babel, the ``i18n`` extra,
    imported only then), Babel's long date and the locale's currency format, with the
    currency's ISO 4217 decimals (never rounded: an amount has no more).

    >>> f = Formatter()
    >>> f.format_date(date(2025, 3, 10)), f.format_money(Money(Decimal("240"), "USD"))
    ('2025-03-10', '240.00 USD')
    """

    locale: str | None = None
    # The Babel locale, parsed once (None without a locale).
    _babel: Any = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.locale is None:
            return
        if not isinstance(self.locale, str):
            raise InputError.single("locale", "a locale name like 'fr_FR'", self.locale, _CTX)
        try:
            from babel import Locale, UnknownLocaleError
        except ImportError:
            raise InputError.single(
                "locale", f"usable once Babel is installed ({_I18N})", self.locale, _CTX
            ) from None
        try:
            parsed = Locale.parse(self.locale.replace("-", "_"))
        except (ValueError, UnknownLocaleError):
            raise InputError.single(
                "locale", f"a locale Babel knows, like 'fr_FR' ({_I18N})", self.locale, _CTX
            ) from None
        object.__setattr__(self, "_babel", parsed)

    @classmethod
    def of(cls, locale: str | Formatter | None) -> Formatter:
        """The formatter for ``locale``: a locale name, a formatter, or ``None``."""
        return locale if isinstance(locale, Formatter) else cls(locale)

    def format_date(self, day: date) -> str:
        """``day`` as this formatter writes it: ``2025-03-10``, ``10 mars 2025``..."""
        if self._babel is None:
            return day.isoformat()
        from babel.dates import format_date

        return format_date(day, format="long", locale=self._babel)

    def format_money(self, money: Money) -> str:
        """``money`` as this formatter writes it: ``240.00 USD``, ``240,00 $US``..."""
        if self._babel is None:
            return str(money)
        from babel.numbers import format_currency

        # The locale's pattern with the currency's ISO 4217 decimals: Babel's own
        # (CLDR's) differ for some currencies (IQD: none), and would round.
        pattern = copy.copy(self._babel.currency_formats["standard"])
        places = CURRENCIES[money.currency]
        pattern.frac_prec = (places, places)
        return format_currency(
            money.amount, money.currency, pattern, locale=self._babel, currency_digits=False
        )


_DEFAULT_FORMAT = Formatter()


class _Fill(string.Formatter):
    """``str.format`` with dates and amounts written by a :class:`Formatter`."""

    def __init__(self, fmt: Formatter) -> None:
        self.fmt = fmt

    def format_field(self, value: Any, format_spec: str) -> Any:
        if not format_spec:
            if isinstance(value, Money):
                return self.fmt.format_money(value)
            if isinstance(value, date):
                return self.fmt.format_date(value)
        return format(value, format_spec)


@value_class()
class Templates:
    """An immutable set of message templates in one language.

    >>> t = DEFAULT_TEMPLATES.with_overrides({"greeting": "Hello,"})
    >>> t["greeting"], DEFAULT_TEMPLATES["greeting"]
    ('Hello,', 'Dear customer,')
    >>> DEFAULT_TEMPLATES.with_overrides({"greting": "Hi"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    atlier_policy.errors.InputError: templates: `greting` must be a key of the template set ...
    >>> Templates.of("fr", {"greeting": "Bonjour,"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    atlier_policy.errors.InputError: templates (fr): `blocker.other` must be a template of the set ...
    >>> DEFAULT_TEMPLATES
    Templates('en', 123 templates)
    """

    language: str
    entries: tuple[tuple[str, str], ...]
    _index: Mapping[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.language, str) or not self.language:
            raise InputError.single(
                "language", "a language tag like 'en'", self.language, "templates"
            )
        if not isinstance(self.entries, tuple):
            raise InputError.single(
                "entries", "a tuple of (key, template)", self.entries, "templates"
            )
        for entry in self.entries:
            if not (isinstance(entry, tuple) and len(entry) == 2):
                raise InputError.single("entries", "(key, template) pairs", entry, "templates")
            _check(*entry)
        index = dict(self.entries)
        missing = sorted(REQUIRED_KEYS.difference(index))
        if missing:
            raise InputError(
                tuple((key, "a template of the set", "none") for key in missing),
                f"templates ({self.language})",
            )
        object.__setattr__(self, "_index", MappingProxyType(index))

    def __repr__(self) -> str:
        return f"Templates({self.language!r}, {len(self.entries)} templates)"

    @classmethod
    def of(cls, language: str, templates: Mapping[str, str]) -> Templates:
        """A template set from a mapping (a new language: every key of
        :data:`REQUIRED_KEYS`, and any of its own)."""
        if not isinstance(templates, Mapping):
            raise InputError.single(
                "templates", "a mapping of key to template", type(templates).__name__, "templates"
            )
        return cls(language, tuple(sorted(templates.items())))

    def with_overrides(
        self, overrides: Mapping[str, str], *, language: str | None = None
    ) -> Templates:
        """A copy with some templates replaced; only keys of this set may be overridden."""
        if not isinstance(overrides, Mapping):
            raise InputError.single(
                "overrides", "a mapping of key to template", type(overrides).__name__, "templates"
            )
        for key in overrides:
            if key not in self._index:
                raise InputError.single(key, "a key of the template set", key, "templates")
        merged = {**self._index, **overrides}
        return Templates.of(language or self.language, merged)

    def __getitem__(self, key: str) -> str:
        return self._index[key]

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def keys(self) -> Iterator[str]:
        return iter(self._index)

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def render(
        self, key: str, values: Mapping[str, object], formatter: Formatter | None = None
    ) -> str:
        """Fill template ``key``, its dates and amounts written by ``formatter`` (the
        default one if ``None``); a missing template or field is an :class:`InputError`."""
        if key not in self._index:
            raise InputError.single(
                key, "a template in the set", "none", f"templates ({self.language})"
            )
        template = self._index[key]
        try:
            return _Fill(formatter or _DEFAULT_FORMAT).vformat(template, (), values)
        except KeyError as exc:
            raise InputError.single(
                key, f"fields among {sorted(values)}", f"{{{exc.args[0]}}}", "templates"
            ) from None
        except (TypeError, ValueError) as exc:  # a format spec its value does not take
            raise InputError.single(
                key, f"format specs its values take ({exc})", template, "templates"
            ) from None


MAX_SPEC_NUMBER = 100  # the largest width or precision a template's format spec may give
# Any decimal digits: the format-spec parser reads "𝟗𝟗𝟗" and "١٠٠" as numbers too.
_NUMBERS = re.compile(r"\d+").findall


def _check(key: object, template: object) -> None:
    if not isinstance(key, str) or not key:
        raise InputError.single("key", "a non-empty string", key, "templates")
    if not isinstance(template, str):
        raise InputError.single(key, "a template string", template, "templates")
    try:
        parsed = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(template)]
    except ValueError as exc:
        raise InputError.single(
            key, f"a valid format string ({exc})", template, "templates"
        ) from None
    allowed = _fields_of(key)
    for name, spec, conversion in parsed:
        if name is None:
            continue
        if conversion is not None:  # !r, !s, !a: a customer would read Python's repr
            raise InputError.single(
                key, "fields without a conversion like !r", f"{{{name}!{conversion}}}", "templates"
            )
        # A field in a spec is filled from the values (a width the case chooses); a huge
        # width or precision would write megabytes: a spec is plain and its numbers small.
        if spec and ("{" in spec or any(int(n) > MAX_SPEC_NUMBER for n in _NUMBERS(spec))):
            raise InputError.single(
                key,
                f"format specs without fields and with numbers up to {MAX_SPEC_NUMBER}",
                f"{{{name}:{spec}}}",
                "templates",
            )
        if not name.isidentifier():
            raise InputError.single(key, "named fields like {sku}", f"{{{name}}}", "templates")
        if allowed is not None and name not in allowed:
            raise InputError.single(
                key, f"fields among {sorted(allowed)}", f"{{{name}}}", "templates"
            )


# The fields each template is given, for the keys the library renders.
_COMMON_FIELDS = frozenset({"order_id", "support_email", "support_phone"})
_DATES_AND_AMOUNTS = (
    "last_day_to_request_return",
    "last_day_to_report_defect",
    "refund_earliest",
    "refund_latest",
    "refund_amount",
    "return_shipping_reimbursed",
    "customer_pays",
    "store_refunds",
)
# The facts the library's clauses and version registry give their reasons (but the
# registry's version names, which no template can name).
_FACTS = frozenset(
    {
        "accessories_included",
        "altered",
        "as_of",
        "cancelled",
        "cause",
        "certificates_included",
        "channel",
        "contacted",
        "custom",
        "defect_confirmed",
        "defect_recorded",
        "delivered",
        "engraved",
        "first_version",
        "inspected",
        "insured",
        "kind",
        "last_day_to_report",
        "last_day_to_request",
        "original_packaging",
        "personalized",
        "photos_sent",
        "price",
        "production",
        "production_started",
        "proof_of_purchase",
        "purchased",
        "purchased_by",
        "reason",
        "repair_possible",
        "replacement_possible",
        "reported",
        "requested",
        "resized",
        "returned",
        "sale_event",
        "status",
        "store_error_confirmed",
        "tags_included",
        "tracked",
        "unused",
        "unworn",
        "wanted_price",
        "wanted_sku",
    }
)
_DECISION_FIELDS = (
    _COMMON_FIELDS
    | _FACTS
    | {
        "sku",
        "return_window_days",
        "defect_notice_days",
        *_DATES_AND_AMOUNTS,
    }
)
_ADVICE_FIELDS = frozenset(
    {
        "message",
        "deadline",
        "code",
        "clause_id",
        "section",
        "kind",
        "support_email",
        "support_phone",
    }
)
_COMMON_KEYS = frozenset({"greeting", "contact", "signature", "order.header"})


def _fields_of(key: str) -> frozenset[str] | None:
    """The fields template ``key`` is given; ``None``: any (a key of the store's own, for a
    clause of its own, whose facts only its decisions know; a ``value.*`` is not filled)."""
    if key in _COMMON_KEYS:
        return _COMMON_FIELDS
    if key.startswith(("suggestion.", "blocker.")):
        return _ADVICE_FIELDS
    if key.startswith("value.") or key not in _EN:
        return None
    if key.startswith("reason.") or key == "notice.other":  # their own message, too
        return _DECISION_FIELDS | {"message"}
    return _DECISION_FIELDS


_CTX = "messages"


_EN: Mapping[str, str] = MappingProxyType(
    {
        "greeting": "Dear customer,",
        "signature": "Kind regards,\nThe Atlier Jewelry team",
        "contact": "If you have any questions, our team is happy to help: {support_email} or {support_phone}.",
        "order.header": "Thank you for your return request for order {order_id}. Here is our answer for each piece.",
        "item.header": "{sku}:",
        "value.unknown": "to be confirmed",
        # --- outcomes ---
        "outcome.return_request.eligible_pending_inspection": "Good news: your return of {sku} (order {order_id}) can go ahead. Please send the piece back; we will issue your refund or exchange once our quality team has inspected and approved it.",
        "outcome.return_request.not_eligible": "We are sorry: we cannot accept the return of {sku} (order {order_id}).",
        "outcome.return_request.incomplete": "Thank you for your return request for {sku} (order {order_id}). We need a little more from you before we can accept it:",
        "outcome.return_request.needs_review": "Thank you for your return request for {sku} (order {order_id}). Our team needs to check a few details before we can answer, and will be in touch shortly:",
        "outcome.defect_claim.accepted_pending_inspection": "Thank you for reporting the issue with {sku} (order {order_id}). Your claim is accepted: please send the piece back so that our quality team can inspect it. We will then offer a free repair or replacement or, if neither is possible, a partial refund or store credit.",
        "outcome.defect_claim.not_covered": "We are sorry: your claim for {sku} (order {order_id}) is not covered by our defect policy.",
        "outcome.defect_claim.incomplete": "Thank you for reporting the issue with {sku} (order {order_id}). To complete your claim we still need:",
        "outcome.defect_claim.needs_review": "Thank you for reporting the issue with {sku} (order {order_id}). Our team needs to check a few details before we can answer, and will be in touch shortly:",
        "outcome.lost_parcel.proceed_to_inspection": "Your return parcel for order {order_id} has reached us. Our quality team will now inspect it and e-mail you the result.",
        "outcome.lost_parcel.awaiting_parcel": "Your return parcel for order {order_id} is still on its way to us. We will inspect it as soon as it arrives.",
        "outcome.lost_parcel.no_refund_parcel_lost": "We are sorry: the carrier reports that your return parcel for order {order_id} was lost. As our policy states, we cannot be held responsible for lost packages, so we cannot issue a refund.",
        "outcome.lost_parcel.needs_review": "We could not yet confirm where your return parcel for order {order_id} is. Our team will look into it and get back to you.",
        "outcome.inspection.refund_approved": "Good news: our quality team has inspected and approved your return of {sku} (order {order_id}).",
        "outcome.inspection.refund_rejected": "Our quality team has inspected your {sku} (order {order_id}). We are sorry: we cannot approve a refund.",
        "outcome.inspection.repair_or_replace": "Our quality team has confirmed the issue with your {sku} (order {order_id}). We will repair or replace it free of charge.",
        "outcome.inspection.partial_refund_or_store_credit": "Our quality team has confirmed the issue with your {sku} (order {order_id}). As neither a repair nor a replacement is possible, we will offer you a partial refund or store credit.",
        "outcome.inspection.needs_review": "Our quality team has received your {sku} (order {order_id}). A few details need checking before we can confirm the result:",
        "outcome.cancellation.refundable": "Your custom order {order_id} ({sku}) is cancelled. As production had not begun, you will be refunded.",
        "outcome.cancellation.not_refundable": "We have received your cancellation of custom order {order_id} ({sku}). We are sorry: custom jewelry orders cannot be refunded once production has begun.",
        "outcome.cancellation.needs_review": "We have received your cancellation of order {order_id} ({sku}). Our team needs to check a few details before we can confirm whether it can be refunded:",
        "outcome.exchange.approved_pending_inspection": "Good news: your exchange of {sku} for {wanted_sku} (order {order_id}) is accepted. Please send the piece back; the exchange follows once our quality team has inspected and approved it.",
        "outcome.exchange.refused": "We are sorry: we cannot accept the exchange of {sku} (order {order_id}).",
        "outcome.exchange.incomplete": "Thank you for your exchange request for {sku} (order {order_id}). We need a little more from you before we can accept it:",
        "outcome.exchange.needs_review": "Thank you for your exchange request for {sku} (order {order_id}). Our team needs to check a few details before we can answer, and will be in touch shortly:",
        # --- reasons ---
        "reason.other": "{message}",
        # --- how to qualify (advice_message): the clause's own words by default ---
        "suggestion.other": "{message}",
        "blocker.other": "{message}",
        "reason.delivered_at.unknown": "We could not yet confirm the delivery date of your piece, from which our deadlines are counted.",
        "reason.website_purchase.failed": "Our return policy covers pieces bought directly on our website, and this piece was bought elsewhere.",
        "reason.website_purchase.unknown": "We need to confirm where the piece was bought: our return policy covers pieces bought directly on our website.",
        "reason.return_window_expired.failed": "Returns must be requested within {return_window_days} days of delivery. Your piece was delivered on {delivered}, so the last day was {last_day_to_request}; your request reached us on {requested}.",
        "reason.unused.failed": "The piece has been used, and we can only accept unused pieces.",
        "reason.unused.unknown": "Please confirm that the piece is unused.",
        "reason.unworn.failed": "The piece has been worn, and we can only accept unworn pieces.",
        "reason.unworn.unknown": "Please confirm that the piece is unworn.",
        "reason.original_packaging.failed": "The piece must be returned in its original packaging.",
        "reason.original_packaging.unknown": "Please confirm that the piece is in its original packaging.",
        "reason.certificates.failed": "All certificates must be returned with the piece.",
        "reason.certificates.unknown": "Please confirm that all certificates are included.",
        "reason.tags.failed": "All tags must be returned with the piece.",
        "reason.tags.unknown": "Please confirm that all tags are included.",
        "reason.accessories.failed": "All accessories must be returned with the piece.",
        "reason.accessories.unknown": "Please confirm that all accessories are included.",
        "reason.unused.unknown.inspection": "Our quality team is completing its check of the piece's condition.",
        "reason.unworn.unknown.inspection": "Our quality team is completing its check of the piece's condition.",
        "reason.original_packaging.unknown.inspection": "Our quality team is completing its check of the piece's condition.",
        "reason.certificates.unknown.inspection": "Our quality team is completing its check of the piece's condition.",
        "reason.tags.unknown.inspection": "Our quality team is completing its check of the piece's condition.",
        "reason.accessories.unknown.inspection": "Our quality team is completing its check of the piece's condition.",
        "reason.proof_of_purchase.failed": "A proof of purchase is required: please send us your order confirmation or invoice at {support_email}.",
        "reason.proof_of_purchase.unknown": "Please send us your proof of purchase (your order confirmation or invoice) at {support_email}.",
        "reason.custom_or_personalized.failed": "Custom-made and personalized pieces are made just for you and cannot be returned.",
        "reason.custom_or_personalized.unknown": "We need to check whether the piece was custom-made or personalized.",
        "reason.engraved.failed": "Engraved pieces cannot be returned.",
        "reason.engraved.unknown": "We need to check whether the piece was engraved.",
        "reason.resized.failed": "Resized pieces cannot be returned.",
        "reason.resized.unknown": "We need to check whether the piece was resized.",
        "reason.altered.failed": "Altered pieces cannot be returned.",
        "reason.altered.unknown": "We need to check whether the piece was altered.",
        "reason.sale_item.failed": "The piece was bought in a {sale_event} event, and such pieces can only be returned if defective: a defect must be reported to {support_email} with clear photos within {defect_notice_days} days of delivery (by {last_day_to_report_defect}).",
        "reason.sale_item.failed.open": "The piece was bought in a {sale_event} event, and such pieces can only be returned if defective. If your piece is defective, please e-mail {support_email} with clear photos by {last_day_to_report_defect}.",
        "reason.sale_item.failed.past": "The piece was bought in a {sale_event} event, and such pieces can only be returned if defective. A defect must be reported within {defect_notice_days} days of delivery, and the period to report a defect ended on {last_day_to_report_defect}.",
        "reason.sale_item.unknown": "We need to check whether the piece was bought in a sale, promotion or clearance event.",
        "reason.sale_defect_exception.unknown": "We need to check whether a defect was confirmed: pieces bought in a sale can only be returned if defective.",
        "reason.sale_defect_exception.unknown.inspection": "Our quality team is completing its check of the piece.",
        "reason.sale_sent_in_error.unknown": "We need to check why the piece is sent back: pieces bought in a sale can only be returned if defective or sent to you in error.",
        "reason.sale_sent_in_error.unknown.inspection": "Our quality team is checking the error you reported.",
        "reason.store_error_confirmed.unknown": "Our quality team is checking the error you reported.",
        "reason.inspection_cause.unknown": "Our quality team is completing its check of the piece.",
        "reason.defect_kind.unknown": "Please tell us by {last_day_to_report} whether the piece arrived damaged or has a manufacturing defect.",
        "reason.defect_kind_unknown.unknown": "Our team is reading your report to confirm whether the piece arrived damaged or has a manufacturing defect.",
        "reason.defect_notice_late.failed": "Damage and defects must be reported within {defect_notice_days} days of delivery. Your piece was delivered on {delivered}, so the last day was {last_day_to_report}; your report reached us on {reported}.",
        "reason.defect_notice_email.unknown": "Please send your report by e-mail to {support_email} by {last_day_to_report_defect}.",
        "reason.defect_notice_channel_unknown.unknown": "We are checking how and when your report reached us.",
        "reason.defect_notice_not_by_email.failed": "Damage and defects must be reported by e-mail to {support_email} within {defect_notice_days} days of delivery, by {last_day_to_report}; your report did not reach us that way in time.",
        "reason.defect_photos.unknown": "Please e-mail clear photos of the issue to {support_email} by {last_day_to_report}.",
        "reason.defect_photos_late.failed": "Clear photos of the issue were needed by {last_day_to_report}; they reached us on {photos_sent}.",
        "reason.defect_photos_missing.failed": "We did not receive photos of the issue by {last_day_to_report}, the last day to report it.",
        "reason.defect_photos_unknown.unknown": "We are checking whether your photos of the issue reached us by {last_day_to_report}.",
        "reason.defect_covered_piece.failed": "Custom-made and modified pieces are not covered by our defect policy.",
        "reason.defect_covered_piece.unknown": "We need to check whether the piece was custom-made or modified.",
        "reason.return_parcel_lost.failed": "The carrier's tracking shows the parcel as lost.",
        "reason.return_parcel.unknown": "We are following your parcel with the carrier; please keep your tracking number at hand.",
        "reason.damage_not_covered.failed": "Our quality team found that the damage was caused by {cause}. Damage caused by misuse, accidents or normal wear and tear is not covered by our policy.",
        "reason.no_defect_found.failed": "Our quality team found no defect in the piece.",
        "reason.exchange_contact.unknown": "We need to check whether the piece was already sent back to us: exchanges are arranged before the piece is returned.",
        "reason.defect_cause.unknown": "Our quality team is still determining the cause of the issue.",
        "reason.repair_or_replace.unknown": "Our quality team is checking whether the piece can be repaired or replaced.",
        "reason.production_begun.failed": "Production of your piece had begun when your cancellation reached us on {cancelled}.",
        "reason.production_begun.unknown": "We are checking whether production of your piece had begun when you cancelled.",
        "reason.production_begun.not_applicable": "This piece is not a custom order: to send it back, please make a return request instead.",
        "reason.exchange_without_prior_contact.failed": "Exchanges must be arranged with us before the piece is sent back; the piece was sent on {returned} and we heard from you on {contacted}.",
        "reason.exchange_unavailable.failed": "{wanted_sku} is not available at the moment; we would be glad to help you choose another piece.",
        "reason.exchange_availability.unknown": "We are checking whether the piece you would like is available.",
        "reason.exchange_prices.unknown": "We are confirming the prices of both pieces to settle any difference.",
        "reason.policy_version_unknown.unknown.lost_parcel": "Please send us the date your return parcel was shipped (the carrier's receipt shows it) at {support_email}, so that we can confirm the terms that apply to your return.",
        "reason.policy_version_unknown.unknown": "Our terms changed around the time of your purchase. Please send us your order confirmation or invoice at {support_email}, so that we can confirm the date of your purchase and the terms that apply to it.",
        "reason.no_policy_version_in_force.unknown": "Your piece was bought before the terms we can apply here took effect. Our team will look at your request personally and get back to you.",
        # --- notices ---
        "notice.return_shipping.customer": "The return shipping is at your expense.",
        "notice.return_shipping.store": "We cover the return shipping cost, as the defect or error was on our side.",
        "notice.return_shipping.customer_until_confirmed": "Please pay the return shipping for now: we will reimburse it if our quality team confirms the defect or error.",
        "notice.shipping_reimbursed": "We will reimburse your return shipping cost of {return_shipping_reimbursed}.",
        "notice.insured_shipping": "We recommend an insured, trackable shipping service, as we cannot be held responsible for lost packages.",
        "notice.parcel_insured": "Your parcel was insured: its insurance is a matter between you and the carrier.",
        "notice.parcel_not_insured": "For future returns, we recommend an insured, trackable shipping service.",
        "notice.decision_email": "Once we have received and inspected the piece, we will e-mail you to confirm the approval or rejection of your refund.",
        "notice.decision_email.defect_claim": "Once we have received and inspected the piece, we will e-mail you to confirm the outcome: a free repair or replacement or, if neither is possible, a partial refund or store credit.",
        "notice.decision_email.exchange": "Once we have received and inspected the piece, we will e-mail you to confirm the approval or rejection of your exchange.",
        "notice.refund_window": "Your refund will be made to your original payment method between {refund_earliest} and {refund_latest}.",
        "notice.partial_refund": "We will offer you either a partial refund, processed to your original payment method between {refund_earliest} and {refund_latest},",
        "notice.store_credit": "or store credit: credit with us, to use on a future purchase.",
        "notice.refund_amount_unknown": "You will be refunded the price you paid for the piece.",
        "notice.no_shipping_deducted": "You will be refunded {refund_amount} in full: delivery was free, so nothing is deducted.",
        "notice.price_difference.customer_pays": "The new piece costs more: the difference of {customer_pays} is payable by you.",
        "notice.price_difference.store_refunds": "The new piece costs less: we will refund you the difference of {store_refunds}.",
        "notice.price_difference.none": "Both pieces cost the same, so there is no difference to settle.",
        "notice.other": "{message}",
    }
)

REQUIRED_KEYS: frozenset[str] = frozenset(_EN)
"""The keys every template set holds: each of the default set's. A set may add more: a
``value.<fact>.<value>`` wording, the templates of a store's own clause or stage."""

DEFAULT_TEMPLATES = Templates.of("en", _EN)
"""The default English wording (pinned by tests/snapshots/messages)."""


# --- rendering ------------------------------------------------------------------------


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_AMOUNT = re.compile(r"(-?[0-9,]+(?:\.[0-9]+)?) ([A-Z]{3})")


def _typed_fact(text: str) -> date | Money | None:
    """A fact's text read back as the date or amount it was written from (``Check``
    writes ``2025-03-10`` and ``240.00 USD``), when it reads back exactly; else ``None``."""
    typed: date | Money
    try:
        if _ISO_DATE.fullmatch(text):
            typed = date.fromisoformat(text)
        elif (m := _AMOUNT.fullmatch(text)) and m[2] in CURRENCIES:
            typed = Money(Decimal(m[1].replace(",", "")), m[2])
        else:
            return None
    except ValueError:  # InputError is one: too many decimals for the currency
        return None
    return typed if str(typed) == text else None


# Facts that name a thing (a piece) are shown as written: never read as a date, an amount
# or words, whatever they look like (a SKU "2025-03-10" or "RING_8_GOLD").
_NAMES = frozenset({"sku", "wanted_sku", "order_id"})


def _shown(name: str, value: str, t: Templates) -> object:
    key = f"value.{name}.{value}"
    if key in t:
        return t[key]
    if name in _NAMES:
        return value
    typed = _typed_fact(value)
    return in_words(value) if typed is None else typed


def _context(d: Decision, t: Templates, terms: PolicyTerms) -> dict[str, object]:
    unknown = t["value.unknown"]
    ob, s = d.obligations, d.settlement
    values: dict[str, object] = {
        "order_id": d.order_id,
        "sku": d.sku or unknown,
        "support_email": terms.support_email,
        "support_phone": SUPPORT_PHONE,
        "return_window_days": terms.return_window_days,
        "defect_notice_days": terms.defect_notice_days,
    }
    # A remedy the store may pay (a partial refund) carries its own window.
    window = [(o.refund_earliest, o.refund_latest) for o in ob.options if o.refund_earliest]
    earliest, latest = window[0] if window else (ob.refund_earliest, ob.refund_latest)
    for name, value in (
        ("last_day_to_request_return", ob.last_day_to_request_return),
        ("last_day_to_report_defect", ob.last_day_to_report_defect),
        ("refund_earliest", earliest),
        ("refund_latest", latest),
        ("refund_amount", ob.refund_amount),
        ("return_shipping_reimbursed", ob.return_shipping_reimbursed),
        ("customer_pays", s and s.customer_pays),
        ("store_refunds", s and s.store_refunds),
    ):
        values[name] = unknown if value is None else value
    for r in d.reasons:
        for name, text in r.facts:
            values.setdefault(name, _shown(name, text, t))
    return values


def _reason_key(
    stage: str,
    code: str,
    finding: Finding,
    missing: tuple[str, ...],
    t: Templates,
    variant: str | None = None,
) -> str:
    if finding is Finding.UNKNOWN and any(m.endswith("delivered_at") for m in missing):
        return "reason.delivered_at.unknown"
    key = f"reason.{code}.{finding.value}"
    for candidate in (f"{key}.{variant}", f"{key}.{stage}", key):
        if candidate in t:
            return candidate
    return "reason.other"


@value_class()
class _Render:
    """What a message is rendered with: the templates, how values read, the policy, the
    case if known."""

    t: Templates
    f: Formatter
    terms: PolicyTerms | None
    policy: Policy | PolicyVersions | None
    case: Case | None
    # The text's rules under the ``terms`` given, built once for every reason read.
    own: Policy | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "own", None if self.terms is None else Policy(self.terms))

    def policy_of(self, d: Decision) -> Policy:
        """The policy of the version ``d`` was made under (the ``terms`` given, if any)."""
        if self.own is not None:
            return self.own
        return policy_named(self.policy, d.policy_version, "messages")

    def terms_of(self, d: Decision) -> PolicyTerms:
        """The terms of the version ``d`` was made under (or the ``terms`` given)."""
        return self.terms if self.terms is not None else self.policy_of(d).terms

    def asked(self, d: Decision) -> date | None:
        """The store date on which the customer asked, when the case is given."""
        if self.case is None:
            return None
        policy = self.policy_of(d)
        spec = policy.stage_of(self.case)
        at = spec.asked(self.case) if spec.asked is not None else None
        return None if at is None else store_date(at, policy.terms.tz)

    def reason(self, d: Decision, index: int) -> str:
        terms, r = self.terms_of(d), d.reasons[index]
        values = _context(d, self.t, terms)
        values.update({name: _shown(name, text, self.t) for name, text in r.facts})
        values["message"] = r.message
        clause = _clauses(self.policy_of(d)).get(r.clause_id)
        wording = clause.wording if clause is not None else None
        variant = wording(r, d, self.asked(d)) if wording is not None else None
        key = _reason_key(d.stage, r.code, r.finding, r.missing, self.t, variant)
        return self.t.render(key, values, self.f)

    def customer_acts(self, d: Decision) -> bool:
        """Whether the customer still acts after ``d``'s outcome (its stage says)."""
        specs = {s.name: s for s in self.policy_of(d).stages}
        spec = specs.get(d.stage)
        return spec is not None and d.outcome in spec.customer_acts


def _templates(templates: Templates | None) -> Templates:
    if templates is None:
        return DEFAULT_TEMPLATES
    if not isinstance(templates, Templates):
        raise InputError.single("templates", "a Templates set", type(templates).__name__, _CTX)
    return templates


def _render(
    templates: Templates | None,
    terms: PolicyTerms | None,
    policy: Policy | PolicyVersions | None,
    case: Case | Mapping[str, Any] | None,
    locale: str | Formatter | None,
) -> _Render:
    t = _templates(templates)
    f = Formatter.of(locale)
    if terms is not None and not isinstance(terms, PolicyTerms):
        raise InputError.single("terms", "PolicyTerms or None", type(terms).__name__, _CTX)
    if terms is not None and policy is not None:
        raise InputError.single("terms", "absent when a policy is given", "both", _CTX)
    typed = None if case is None else _typed(case, policy)
    return _Render(t, f, terms, policy, typed)


def _clauses(policy: Policy) -> dict[str, Clause]:
    return {c.id: c for c in policy.clauses()}


_PROVISIONS = {p.id: p for p in PROVISIONS}


def _decision(decision: object) -> Decision | OrderDecision:
    if not isinstance(decision, Decision | OrderDecision):
        raise InputError.single(
            "decision", "a Decision or an OrderDecision", type(decision).__name__, _CTX
        )
    return decision


def reason_message(
    decision: Decision,
    index: int,
    templates: Templates | None = None,
    *,
    terms: PolicyTerms | None = None,
    policy: Policy | PolicyVersions | None = None,
    case: Case | Mapping[str, Any] | None = None,
    locale: str | Formatter | None = None,
) -> str:
    """The customer wording of ``decision.reasons[index]``, with its facts filled in.

    ``templates``, ``terms``, ``policy``, ``case`` and ``locale`` as for
    :func:`customer_message`."""
    if not isinstance(_decision(decision), Decision):
        raise InputError.single("decision", "a Decision", type(decision).__name__, _CTX)
    return _render(templates, terms, policy, case, locale).reason(decision, index)


def advice_message(
    advice: Suggestion | Blocker,
    templates: Templates | None = None,
    *,
    terms: PolicyTerms | None = None,
    locale: str | Formatter | None = None,
) -> str:
    """The customer wording of a :func:`~atlier_policy.qualify.how_to_qualify` suggestion
    or blocker, through the templates.

    Its template is ``suggestion.<code>.<kind>``, else ``suggestion.<code>``, else
    ``suggestion.other`` (``blocker.<code>``, else ``blocker.other``); the default set
    has only the last, ``{message}``: the clause's own words. A template is given
    ``message``, ``code``, ``clause_id``, ``section``, ``kind`` (a suggestion's, else
    empty), ``deadline`` (a ``date``, written by ``locale``; ``value.unknown`` if none) and
    the support e-mail and phone of ``terms`` (the text's by default).

    >>> from atlier_policy.advice import FixKind
    >>> s = Suggestion(code="photos", clause_id="s3.photos", section="3", kind=FixKind.ACT,
    ...                message="send clear photos", changes=(), deadline=date(2025, 3, 6))
    >>> advice_message(s)
    'send clear photos'
    >>> fr = DEFAULT_TEMPLATES.with_overrides(
    ...     {"suggestion.other": "envoyez des photos avant le {deadline}"}, language="fr")
    >>> advice_message(s, fr, locale="fr_FR")
    'envoyez des photos avant le 6 mars 2025'
    """
    if not isinstance(advice, Suggestion | Blocker):
        raise InputError.single("advice", "a Suggestion or a Blocker", type(advice).__name__, _CTX)
    if terms is not None and not isinstance(terms, PolicyTerms):
        raise InputError.single("terms", "PolicyTerms or None", type(terms).__name__, _CTX)
    t, f = _templates(templates), Formatter.of(locale)
    terms = terms or PolicyTerms()
    base = "suggestion" if isinstance(advice, Suggestion) else "blocker"
    kind = advice.kind.value if isinstance(advice, Suggestion) else ""
    deadline = advice.deadline if isinstance(advice, Suggestion) else None
    values: dict[str, object] = {
        "message": advice.message,
        "code": advice.code,
        "clause_id": advice.clause_id,
        "section": advice.section,
        "kind": kind,
        "deadline": t["value.unknown"] if deadline is None else deadline,
        "support_email": terms.support_email,
        "support_phone": SUPPORT_PHONE,
    }
    candidates = [f"{base}.{advice.code}.{kind}", f"{base}.{advice.code}", f"{base}.other"]
    key = next(k for k in candidates if k in t)
    return t.render(key, values, f)


def _variant_of(base: str, d: Decision, t: Templates) -> str:
    """``base``, worded for the outcome or the stage where the set has a variant."""
    for candidate in (f"{base}.{d.outcome.value}", f"{base}.{d.stage}"):
        if candidate in t:
            return candidate
    return base


def _notice_keys(d: Decision, t: Templates) -> list[tuple[str, dict[str, object]]]:
    """The templates of ``d``'s notices, each with the values it adds: as each cited
    provision words it, else ``notice.<code>``, each with an outcome or stage variant where
    the set has one; a notice the set has no template for (a store's own clause's) is
    ``notice.other``, given the notice's own ``message``."""
    keys: list[tuple[str, dict[str, object]]] = []
    for n in d.obligations.notices:
        provision = _PROVISIONS.get(n.clause_id)
        if provision is not None and provision.wording is not None:
            keys += [(_variant_of(key, d, t), {}) for key in provision.wording(n, d)]
        elif (key := _variant_of(f"notice.{n.code}", d, t)) in t:  # a variant alone will do
            keys.append((key, {}))
        else:
            keys.append(("notice.other", {"message": n.message}))
    return keys


def _body(d: Decision, r: _Render) -> tuple[list[str], bool]:
    """The paragraphs for one decision, and whether the customer should be given the contact."""
    t = r.t
    values = _context(d, t, r.terms_of(d))
    lines = [t.render(f"outcome.{d.stage}.{d.outcome.value}", values, r.f)]
    if not d.granted:
        seen: dict[str, None] = {}
        for i in range(len(d.reasons)):  # a refusal's reasons are the failing ones
            seen.setdefault(f"- {r.reason(d, i)}")
        lines += seen
    notes = [t.render(key, values | more, r.f) for key, more in _notice_keys(d, t)]
    if notes:
        lines.append(" ".join(notes))
    return lines, not d.granted or r.customer_acts(d)


def customer_message(
    decision: Decision | OrderDecision,
    templates: Templates | None = None,
    *,
    terms: PolicyTerms | None = None,
    policy: Policy | PolicyVersions | None = None,
    case: Case | Mapping[str, Any] | None = None,
    locale: str | Formatter | None = None,
) -> str:
    """A short, courteous message to the customer, with the real dates and amounts.

    The support e-mail and the day counts are those of the version the decision
    names (``decision.policy_version``): of ``policy`` (a :class:`Policy`, or a
    :class:`PolicyVersions` registry; the text's versions by default), or the
    ``terms`` given instead. ``case``, when given, dates the customer's request:
    a sale item asked back after the last day to report a defect is not asked to
    report one by that past day. The §6 contact closes every message in which the
    customer must act or may want to ask (any outcome that grants nothing, and a
    granted one after which the customer ships the piece or chooses a remedy).

    A reason is worded as its clause declares (``Clause.wording``), found by id in
    ``policy``: pass the policy that decided when it has clauses of the store's own, or
    their reasons get the neutral wording.

    ``templates`` is the wording (:data:`DEFAULT_TEMPLATES` if ``None``); ``locale``
    (keyword-only: a name like ``"fr_FR"`` or a :class:`Formatter`) how its dates and
    amounts read: ``10 mars 2025`` and ``240,00 $US`` for ``"fr_FR"``. It needs Babel
    (``pip install 'atlier-policy[i18n]'``); without it, or for a locale Babel does
    not know, it is an :class:`InputError` naming ``locale``. A locale does not
    translate the sentences: give a template set in that language for that.
    """
    decision = _decision(decision)
    r = _render(templates, terms, policy, case, locale)
    t = r.t
    if isinstance(decision, OrderDecision) and len(decision.items) == 1:
        decision = decision.items[0]
    first = decision.items[0] if isinstance(decision, OrderDecision) else decision
    terms = r.terms_of(first)
    common = {
        "order_id": decision.order_id,
        "support_email": terms.support_email,
        "support_phone": SUPPORT_PHONE,
    }
    paragraphs = [t.render("greeting", common, r.f)]
    if isinstance(decision, OrderDecision):
        contact = False
        paragraphs.append(t.render("order.header", common, r.f))
        for d in decision.items:
            lines, needs = _body(d, r)
            contact = contact or needs
            header = t.render("item.header", _context(d, t, r.terms_of(d)), r.f)
            paragraphs.append("\n".join([header, *lines]))
    else:
        lines, contact = _body(decision, r)
        paragraphs.append("\n".join(lines))
    if contact:
        paragraphs.append(t.render("contact", common, r.f))
    paragraphs.append(t.render("signature", common, r.f))
    return "\n\n".join(paragraphs) + "\n"


# --- support agent --------------------------------------------------------------------


def _agent_one(d: Decision) -> list[str]:
    # Outcomes and findings in words (the codes, ids and facts stay as recorded: an
    # agent searches for them).
    subject = f"order {d.order_id}" + (f", item {d.sku}" if d.sku else "")
    outcome = in_words(d.outcome.value)
    out = [
        f"{in_words(d.stage)} ({subject}): {outcome} [policy {d.policy_version}]",
        "reasons:",
    ]
    for r in d.reasons:
        finding = f"{FINDING_MARKS[r.finding]} {in_words(r.finding.value)}"
        out.append(f"  {finding:<16} [§{r.section} {r.clause_id}] {r.code}: {r.message}")
        out.append(f"  {'':<16} “{r.sentence}”")
        if r.facts:
            out.append(f"  {'':<16} facts: " + ", ".join(f"{k}={v}" for k, v in r.facts))
    if d.missing:
        out.append(f"missing: {', '.join(d.missing)}")
    ob = d.obligations
    if ob.notices:
        out.append("notices:")
        out += [f"  [§{n.section} {n.clause_id}] {n.code}: {n.message}" for n in ob.notices]
    out.append("trace:")
    for e in d.trace:
        tail = f" — {e.message}" if e.message else ""
        out.append(f"  {'  ' * e.depth}{e.rule}: {in_words(e.finding.value)}{tail}")
    return out


def agent_view(decision: Decision | OrderDecision) -> str:
    """The support-agent view: outcome, every reason with its clause id and sentence,
    the facts used, what is missing, the notices and the full rule trace."""
    decision = _decision(decision)
    if isinstance(decision, OrderDecision):
        summary = ", ".join(f"{n} {in_words(k)}" for k, n in sorted(decision.counts.items()))
        lines = [f"order {decision.order_id}: {summary}"]
        for d in decision.items:
            lines += ["", *_agent_one(d)]
    else:
        lines = _agent_one(decision)
    # One line per entry, whatever the case's strings hold (escaped, as str(decision)).
    return "\n".join(map(one_line, lines)) + "\n"
