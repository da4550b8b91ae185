"""The DPO's reviews: anomaly rules over the ledger open cases the DPO closes.

``hub audit anomalies`` (cron) runs the rules (``anomalies``) through ``detection_service``;
/v1/audit/reviews lists and closes the cases (``endpoints``, ``service``). Reads the ledger
(``hub.audit.ledger``); writes only review cases and the ledger entries of its own reads.
"""
