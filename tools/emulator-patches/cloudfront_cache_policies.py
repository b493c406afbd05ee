"""
AWS behaviour restored: CloudFront cache policies (API reference: Create/Get/Update/
DeleteCachePolicy, GetCachePolicyConfig, ListCachePolicies), each with its Id, ETag (a new one on
every update, required by If-Match on update and delete) and LastModifiedTime.
Upstream gap (moto 5.2.5): cache policies are not implemented, so the edge's cache policy (and
the distribution that uses it) could not be applied.
"""
import datetime

from moto.cloudfront import urls
from moto.cloudfront.responses import CloudFrontResponse
from moto.cloudfront.exceptions import CloudFrontException
from moto.core.responses import ActionResult, EmptyResult
from moto.moto_api._internal import mock_random

if hasattr(CloudFrontResponse, "create_cache_policy"):
    raise SystemExit(f"{__file__}: moto now implements CloudFront cache policies; delete this patch")


def _policies(backend):
    if not hasattr(backend, "cache_policies"):
        backend.cache_policies = {}
    return backend.cache_policies


def _policy(backend, policy_id, if_match=None):
    policy = _policies(backend).get(policy_id)
    if policy is None:
        raise CloudFrontException("NoSuchCachePolicy", "The cache policy does not exist.")
    if if_match is not None and if_match != policy["ETag"]:
        raise CloudFrontException("PreconditionFailed", "The If-Match version is missing or not valid.")
    return policy


def _answer(policy, **extra):
    return ActionResult({"CachePolicy": policy["CachePolicy"], "ETag": policy["ETag"], **extra})


def _store(backend, policy_id, config):
    now = datetime.datetime.now(datetime.timezone.utc)
    policy = {"CachePolicy": {"Id": policy_id, "LastModifiedTime": now, "CachePolicyConfig": config}}
    policy["ETag"] = mock_random.get_random_hex(14).upper()
    _policies(backend)[policy_id] = policy
    return policy


def create_cache_policy(self):
    config = self._get_param("CachePolicyConfig", {})
    if any(p["CachePolicy"]["CachePolicyConfig"].get("Name") == config.get("Name") for p in _policies(self.backend).values()):
        raise CloudFrontException("CachePolicyAlreadyExists", "A cache policy with this name already exists.")
    policy = _store(self.backend, str(mock_random.uuid4()), config)
    location = f"https://cloudfront.amazonaws.com/2020-05-31/cache-policy/{policy['CachePolicy']['Id']}"
    return _answer(policy, Location=location)


def get_cache_policy(self):
    return _answer(_policy(self.backend, self._get_param("Id")))


def get_cache_policy_config(self):
    policy = _policy(self.backend, self._get_param("Id"))
    return ActionResult({"CachePolicyConfig": policy["CachePolicy"]["CachePolicyConfig"], "ETag": policy["ETag"]})


def update_cache_policy(self):
    policy_id = self._get_param("Id")
    _policy(self.backend, policy_id, self._get_param("IfMatch"))
    return _answer(_store(self.backend, policy_id, self._get_param("CachePolicyConfig", {})))


def delete_cache_policy(self):
    policy_id = self._get_param("Id")
    _policy(self.backend, policy_id, self._get_param("IfMatch"))
    del _policies(self.backend)[policy_id]
    return EmptyResult()


def list_cache_policies(self):
    items = [{"Type": "custom", "CachePolicy": p["CachePolicy"]} for p in _policies(self.backend).values()]
    return ActionResult({"CachePolicyList": {"MaxItems": 100, "Quantity": len(items), "Items": items or None}})


for handler in (
    create_cache_policy,
    get_cache_policy,
    get_cache_policy_config,
    update_cache_policy,
    delete_cache_policy,
    list_cache_policies,
):
    setattr(CloudFrontResponse, handler.__name__, handler)
urls.url_paths.update(
    {
        "{0}/2020-05-31/cache-policy$": CloudFrontResponse.dispatch,
        "{0}/2020-05-31/cache-policy/(?P<cache_policy_id>[^/]+)$": CloudFrontResponse.dispatch,
        "{0}/2020-05-31/cache-policy/(?P<cache_policy_id>[^/]+)/config$": CloudFrontResponse.dispatch,
    }
)
