"""What the kiosk and its distributor share: the wire schema (:mod:`.wire`), request and
reply signing (:mod:`.signing`), destination rules (:mod:`.destinations`), rupiah formatting
(:mod:`.money`) and the data both ends read (:mod:`.data`).

This package imports neither application; each end imports it.
"""
