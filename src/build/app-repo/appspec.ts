import { toYaml, YamlDecimal } from "./yaml";
import { CapacityProvider } from "../../config";

/** The placeholder CodeDeployToECS replaces with the ARN of the task definition it registers. */
export const TASK_DEFINITION_PLACEHOLDER = "<TASK_DEFINITION>";

export interface AppSpecCapacityProvider {
  readonly CapacityProvider: CapacityProvider;
  readonly Base: number;
  readonly Weight: number;
}

/** An ECS AppSpec (CodeDeploy "AppSpec file structure for Amazon ECS deployments"), the fields used here. */
export interface EcsAppSpec {
  readonly version: "0.0";
  readonly Resources: [
    {
      readonly TargetService: {
        readonly Type: "AWS::ECS::Service";
        readonly Properties: {
          readonly TaskDefinition: string;
          readonly LoadBalancerInfo: { readonly ContainerName: string; readonly ContainerPort: number };
          readonly PlatformVersion: string;
          readonly CapacityProviderStrategy: AppSpecCapacityProvider[];
        };
      };
    },
  ];
}

export interface GhostAppSpecProps {
  /** Container that receives traffic: the one the target groups route to. */
  readonly containerName: string;
  readonly containerPort: number;
  /** Capacity provider of the replacement tasks: the service's own, or a deployment moves them. */
  readonly capacityProvider: CapacityProvider;
  /** Fargate platform version. @default "LATEST" (the service's) */
  readonly platformVersion?: string;
}

/** The AppSpec of every Ghost deployment: one ECS service, the new task definition, the ghost container. */
export function ghostAppSpec(props: GhostAppSpecProps): EcsAppSpec {
  return {
    version: "0.0",
    Resources: [
      {
        TargetService: {
          Type: "AWS::ECS::Service",
          Properties: {
            TaskDefinition: TASK_DEFINITION_PLACEHOLDER,
            LoadBalancerInfo: { ContainerName: props.containerName, ContainerPort: props.containerPort },
            PlatformVersion: props.platformVersion ?? "LATEST",
            // Same strategy as the ECS service (base 1, weight 1).
            CapacityProviderStrategy: [{ CapacityProvider: props.capacityProvider, Base: 1, Weight: 1 }],
          },
        },
      },
    ],
  };
}

/** `appspec.yaml`. The version is written as the decimal `0.0`, as CodeDeploy documents it. */
export function appSpecToYaml(spec: EcsAppSpec): string {
  return toYaml({ ...spec, version: new YamlDecimal(spec.version) });
}
