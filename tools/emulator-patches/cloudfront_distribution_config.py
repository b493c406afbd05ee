"""
AWS behaviour restored: a CloudFront distribution answers its configuration as given (API
reference, DistributionConfig): a cache behavior that uses a cache policy has no ForwardedValues
(the legacy cache settings, which a cache policy replaces), and a viewer certificate from ACM or
IAM is not the CloudFront default certificate.
Upstream gap (moto 5.2.5): every cache behavior answers default ForwardedValues and every viewer
certificate CloudFrontDefaultCertificate true, so each re-plan wanted to remove both from the
edge's distribution.
"""
from moto.cloudfront.models import DefaultCacheBehaviour, ViewerCertificate

probe = ViewerCertificate({"ACMCertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/probe"})
if not probe.cloud_front_default_certificate:
    raise SystemExit(f"{__file__}: moto now answers a distribution's configuration as given; delete this patch")

_original_behaviour = DefaultCacheBehaviour.__init__
_original_certificate = ViewerCertificate.__init__


def cache_behaviour(self, config):
    _original_behaviour(self, config)
    if config.get("CachePolicyId") and "ForwardedValues" not in config:
        self.forwarded_values = None


def viewer_certificate(self, config):
    _original_certificate(self, config)
    own = config.get("ACMCertificateArn") or config.get("IAMCertificateId")
    self.cloud_front_default_certificate = config.get("CloudFrontDefaultCertificate", not own)
    if config.get("ACMCertificateArn"):
        self.certificate_source = "acm"
        self.certificate = config["ACMCertificateArn"]


DefaultCacheBehaviour.__init__ = cache_behaviour
ViewerCertificate.__init__ = viewer_certificate
