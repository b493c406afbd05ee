/** ACM certificate validated through Route 53. */
import { Construct } from "constructs";
import { TerraformProvider } from "cdktf";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";

export interface DnsValidatedCertificateProps {
  /** The site's domain name, e.g. "blog.example.com". */
  readonly domainName: string;
  /** Further names on the certificate. @default [] */
  readonly subjectAlternativeNames?: string[];
  /** Public hosted zone that holds the names (the validation records go there). */
  readonly hostedZoneId: string;
  /**
   * Provider of the certificate's region: the us-east-1 alias for CloudFront, none for the ALB.
   * @default the stack's default provider
   */
  readonly provider?: TerraformProvider;
}

/**
 * An ACM certificate validated by DNS records in Route 53. `certificateArn` comes from the
 * validation resource, so whatever uses it (a listener, a distribution) waits for the issue.
 */
export class DnsValidatedCertificate extends Construct {
  readonly certificate: AcmCertificate;
  /** ARN of the issued certificate. */
  readonly certificateArn: string;

  constructor(scope: Construct, id: string, props: DnsValidatedCertificateProps) {
    super(scope, id);
    const names = [props.domainName, ...(props.subjectAlternativeNames ?? [])];
    this.certificate = new AcmCertificate(this, "certificate", {
      provider: props.provider,
      domainName: props.domainName,
      subjectAlternativeNames: props.subjectAlternativeNames,
      validationMethod: "DNS",
      // A replacement must be issued before the old one is released by its listener/distribution.
      lifecycle: { createBeforeDestroy: true },
    });
    // One record per name. The options are a set (order unknown at synth), so each record takes
    // one element; overwrite, because ACM asks for the same record for a name in every region
    // (the ALB's and CloudFront's certificates) and for a name and its wildcard.
    const records = names.map((_, index) => {
      const option = this.certificate.domainValidationOptions.get(index);
      return new Route53Record(this, `validation-${index}`, {
        zoneId: props.hostedZoneId,
        name: option.resourceRecordName,
        type: option.resourceRecordType,
        records: [option.resourceRecordValue],
        ttl: 60,
        allowOverwrite: true,
      });
    });
    const validation = new AcmCertificateValidation(this, "validation", {
      provider: props.provider,
      certificateArn: this.certificate.arn,
      validationRecordFqdns: records.map((record) => record.fqdn),
    });
    this.certificateArn = validation.certificateArn;
  }
}
