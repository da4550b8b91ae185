"""The hub's XMeld side: 1330/1332 requests in, 1331/1333 answers out.

README "XMeld for procedure developers" describes both sides.
"""
