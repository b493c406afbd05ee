import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { TaskRoles } from "../src/run/task-roles";
import { parsePolicy, resourcesOfType, synthScope } from "./helpers";

describe("TaskRoles", () => {
  const { synth, json } = synthScope((scope) => new TaskRoles(scope, "roles", { namePrefix: "ghost-test" }));
  const roles = Object.values(resourcesOfType(json, "aws_iam_role"));

  it("creates two distinct roles named from the prefix", () => {
    expect(roles.map((role) => role.name).sort()).toEqual(["ghost-test-task", "ghost-test-task-execution"]);
  });

  it("lets only ecs-tasks.amazonaws.com assume both roles", () => {
    for (const role of roles) {
      const statements = parsePolicy(role.assume_role_policy).Statement;
      expect(statements).toEqual([
        { Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: ["sts:AssumeRole"] },
      ]);
    }
  });

  it("attaches the ECS task execution managed policy to the execution role only", () => {
    const attachments = Object.values(resourcesOfType(json, "aws_iam_role_policy_attachment"));
    expect(attachments).toHaveLength(1);
    expect(attachments[0].policy_arn).toBe("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy");
    expect(attachments[0].role).toMatch(/aws_iam_role\.roles_execution-role_[A-Z0-9]+\.name/);
    expect(synth).toHaveResource(IamRolePolicyAttachment);
  });

  it("gives the task role no policies", () => {
    expect(resourcesOfType(json, "aws_iam_role_policy")).toEqual({});
    expect(synth).toHaveResourceWithProperties(IamRole, { name: "ghost-test-task" });
  });
});
