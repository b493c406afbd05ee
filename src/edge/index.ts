/** The optional edge: DNS and certificates, CloudFront, WAF. */
export * from "./certificate";
export * from "./site-alias";
export * from "./web-firewall";
export * from "./content-delivery";
