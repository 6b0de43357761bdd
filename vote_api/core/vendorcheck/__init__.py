"""Vendor human checks (Tencent Cloud Captcha, Alibaba Cloud Captcha 2.0), chosen per purpose."""
