/** Route 53 alias for the site. */
import { Construct } from "constructs";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";

export interface SiteAliasProps {
  readonly hostedZoneId: string;
  /** The site's domain name, e.g. "blog.example.com". */
  readonly domainName: string;
  /** What the name points at: the ALB's or the distribution's DNS name and hosted zone. */
  readonly target: { readonly dnsName: string; readonly zoneId: string };
  /** Also an AAAA record (CloudFront with IPv6; not the IPv4-only ALB). @default false */
  readonly ipv6?: boolean;
  /** Let Route 53 check the target's health (ALB yes; CloudFront does not support it). @default false */
  readonly evaluateTargetHealth?: boolean;
}

/** A/AAAA alias records from the site's name to the ALB or the CloudFront distribution. */
export class SiteAlias extends Construct {
  readonly records: Route53Record[];
  readonly fqdn: string;

  constructor(scope: Construct, id: string, props: SiteAliasProps) {
    super(scope, id);
    const types = props.ipv6 ? ["A", "AAAA"] : ["A"];
    this.records = types.map(
      (type) =>
        new Route53Record(this, type.toLowerCase(), {
          zoneId: props.hostedZoneId,
          name: props.domainName,
          type,
          alias: {
            name: props.target.dnsName,
            zoneId: props.target.zoneId,
            evaluateTargetHealth: props.evaluateTargetHealth ?? false,
          },
        }),
    );
    this.fqdn = this.records[0].fqdn;
  }
}
