"""WeChat's error codes for the component API, as it answers them (errcode, errmsg)."""

from __future__ import annotations

from minihost.errors import WeChatError

E_SYSTEM = (-1, "system error")
E_INVALID_CREDENTIAL = (40001, "invalid credential, access_token is invalid or not latest")
E_INVALID_APPID = (40013, "invalid appid")
E_INVALID_SECRET = (40125, "invalid appsecret")
E_TOKEN_MISSING = (41001, "access_token missing")
E_APPID_MISSING = (41002, "appid missing")
E_SECRET_MISSING = (41004, "appsecret missing")
E_TOKEN_EXPIRED = (42001, "access_token expired")
E_INVALID_ARGS = (44002, "invalid args")
E_DATA_FORMAT = (47001, "data format error")
E_API_UNAUTHORIZED_48 = (48001, "api unauthorized")
E_PREAUTH_INVALID = (61001, "pre auth code is invalid")
E_COMPONENT_NOT_AUTHORIZED = (61003, "component is not authorized by this account")
E_TICKET_EXPIRED = (61005, "component ticket is expired")
E_TICKET_INVALID = (61006, "component ticket is invalid")
E_API_UNAUTHORIZED = (61007, "api is unauthorized to component")
E_CODE_INVALID = (61009, "code is invalid")
E_CODE_EXPIRED = (61010, "code is expired")
E_INVALID_COMPONENT = (61011, "invalid component")
E_REFRESH_TOKEN_INVALID = (61023, "refresh_token is invalid")
E_TEMPLATE_NOT_FOUND = (85064, "template not found")
E_DRAFT_NOT_FOUND = (85065, "draft not found")  # WeChat words it "template library is full or draft invalid"
E_NOT_COMMITTED = (85013, "no code committed")
E_EXT_JSON = (85045, "ext_json has invalid field or path")
E_EXT_JSON_PARSE = (85048, "ext_json parse error")
E_AUDITING = (85009, "a version is already under audit")
E_AUDITID_INVALID = (85012, "invalid audit id")
E_NOT_AUDITED = (85019, "no audit succeeded for this app")
E_ALREADY_RELEASED = (85052, "app is already released")
E_NO_PREVIOUS_RELEASE = (87011, "no previous release to revert to")
E_GRAY_PERCENT = (85079, "invalid gray_percentage")
E_COMPILE_FAILED = (85043, "template error")
E_DOMAIN = (85015, "invalid domain")
E_FASTREG_INVALID = (89249, "task running or invalid legal persona")


def fail(error: tuple[int, str], detail: str = "") -> WeChatError:
    """WeChat's code with its words; a detail after them helps a developer without breaking a client's match."""
    code, msg = error
    return WeChatError(code, f"{msg}: {detail}" if detail else msg)
