/**
 * The one metric vocabulary of alarms and dashboards: the CloudWatch namespaces of what we run
 * and the dimensions that pick out our load balancer, target groups, service, file system and
 * database (in the order CloudWatch lists them).
 */
export const NAMESPACES = {
  loadBalancer: "AWS/ApplicationELB",
  service: "AWS/ECS",
  containerInsights: "ECS/ContainerInsights",
  fileSystem: "AWS/EFS",
  database: "AWS/RDS",
  mail: "AWS/SES",
} as const;

export const DIMENSIONS = {
  loadBalancer: (loadBalancerArnSuffix: string) => ({ LoadBalancer: loadBalancerArnSuffix }),
  targetGroup: (loadBalancerArnSuffix: string, targetGroupArnSuffix: string) => ({
    TargetGroup: targetGroupArnSuffix,
    LoadBalancer: loadBalancerArnSuffix,
  }),
  service: (ids: { clusterName: string; serviceName: string }) => ({
    ClusterName: ids.clusterName,
    ServiceName: ids.serviceName,
  }),
  fileSystem: (fileSystemId: string) => ({ FileSystemId: fileSystemId }),
  database: (instanceIdentifier: string) => ({ DBInstanceIdentifier: instanceIdentifier }),
};
