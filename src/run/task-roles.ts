import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { assumeRolePolicy } from "../shared/iam";

/** Managed policy for the ECS agent: pull from ECR and write to CloudWatch Logs. */
const TASK_EXECUTION_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";

export interface TaskRolesProps {
  /** Prefix of the role names, e.g. "ghost-prod". */
  readonly namePrefix: string;
}

/**
 * The two IAM roles of the Ghost task, created on their own so that the EFS file-system
 * policy can name the task role before the ECS service exists.
 * - execution role: used by the ECS agent (image pull, logs, secrets injection);
 * - task role: used by Ghost itself; starts empty, the service grants exactly what it needs.
 */
export class TaskRoles extends Construct {
  readonly taskRole: IamRole;
  readonly executionRole: IamRole;
  readonly taskRoleArn: string;
  readonly executionRoleArn: string;

  constructor(scope: Construct, id: string, props: TaskRolesProps) {
    super(scope, id);
    const trust = assumeRolePolicy("ecs-tasks.amazonaws.com");

    this.executionRole = new IamRole(this, "execution-role", {
      name: `${props.namePrefix}-task-execution`,
      assumeRolePolicy: trust,
    });
    new IamRolePolicyAttachment(this, "execution-role-policy", {
      role: this.executionRole.name,
      policyArn: TASK_EXECUTION_POLICY_ARN,
    });

    this.taskRole = new IamRole(this, "task-role", {
      name: `${props.namePrefix}-task`,
      assumeRolePolicy: trust,
    });

    this.taskRoleArn = this.taskRole.arn;
    this.executionRoleArn = this.executionRole.arn;
  }
}
