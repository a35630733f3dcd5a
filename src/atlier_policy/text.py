"""The policy text this package encodes, verbatim, and its sentences.

``POLICY_TEXT`` is Atlier Jewelry's Return & Refund Policy exactly as published
("Last Updated: 01/12/2025"). Clauses quote their sentence from it; a test checks
that every quoted sentence occurs in it and that the clause map covers it all.
"""

__all__ = ["POLICY_TEXT", "sentences"]

POLICY_TEXT = """Free shipping on all orders!

Return & Refund Policy
- Home
- Page
Atlier Jewelry – Return & Refund Policy
Last Updated: 01/12/2025
At Atlier Jewelry, we take great pride in the craftsmanship and quality of every piece we create. Each design is carefully handcrafted by skilled artisans to meet the highest standards of excellence.
This Return & Refund Policy outlines the conditions under which returns, exchanges, and refunds are accepted for purchases made through our website (www.atlierjewelry.com).
1. Eligibility for Returns
We accept returns for ready-made jewelry purchased directly from our website under the following conditions:
The item must be returned within 7 days of delivery.
The jewelry must be unused, unworn, and in its original packaging, with all certificates, tags, and accessories included.
Proof of purchase (order confirmation or invoice) is required.
If your return meets the above conditions, we will issue a refund or exchange after the returned item has been inspected and approved by our quality team.
2. Non-Returnable & Non-Refundable Items
Because of the nature of our craftsmanship, the following items cannot be returned or refunded:
Custom-made or personalized jewelry, including any item made to your specifications or modified from its original design.
Engraved, resized, or altered items.
Items purchased during special sales, promotions, or clearance events (unless defective).
Custom jewelry orders are non-refundable once production has begun.
Each custom piece is handcrafted according to your selected materials, design, and preferences, making it unique and exclusively yours.
3. Manufacturing Defects & Repairs
We stand behind the quality of our craftsmanship.
If your jewelry arrives damaged or contains a manufacturing defect, please notify us within 3 days of delivery at support@atlierjewelry.com with clear photos of the issue.
Depending on the situation, we will offer one of the following resolutions:
Free repair or replacement of the defective item.
Partial refund or store credit, if repair or replacement is not possible.
Damage caused by misuse, accidents, or normal wear and tear is not covered under this policy.
4. Return Shipping Instructions
Customers are responsible for the return shipping cost, except in cases of a confirmed defect or error on our part.
We recommend using insured, trackable shipping when returning items, as Atlier Jewelry cannot be held responsible for lost packages.
Once we receive and inspect the returned item, you will receive an email confirmation regarding the approval or rejection of your refund.
Approved refunds will be processed within 7–10 business days to your original payment method.
5. Exchanges
If you wish to exchange an eligible item for another product, please contact us before returning it.
Exchange requests are accepted based on product availability and price differences (if any).
6. Contact Us
For return or refund inquiries, please reach out to our support team:
📧 support@atlierjewelry.com
📞 +00 012 345 6789
Our team will guide you through the process and ensure your concern is handled promptly.

"""


def sentences() -> tuple[str, ...]:
    """The text's non-empty lines, in order: the units the clause map is keyed on."""
    return tuple(line.strip() for line in POLICY_TEXT.splitlines() if line.strip())
