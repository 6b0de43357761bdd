"""The ``wechat`` proof: the openid of the secretariat's verified service account (snsapi_base)."""
