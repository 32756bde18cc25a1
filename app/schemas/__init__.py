"""Request and response bodies of the stored side (accounts, articles, hits, exemptions).

Naming follows one scheme: XxxCreate (received on creation), XxxUpdate (all optional), XxxPublic
(returned, id always present) and XxxsPublic ({"items", "total"}) for lists.
"""
