"""The XÖV kit: safe XML parsing, XMeld 25.11a schema validation and names.

Shared by the hub's XMeld endpoint and by adapters that ask other registers in XMeld.
The official schemas are never part of the project; they are located through configuration.
"""
