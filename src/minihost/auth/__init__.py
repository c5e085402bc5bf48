"""Login codes, jscode2session, openid/unionid and access tokens: the WeChat-compatible sign-in surface."""
