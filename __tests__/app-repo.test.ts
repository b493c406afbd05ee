import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Testing } from "cdktf";
import { parse } from "yaml";
import {
  APP_REPO_FILES,
  appSpecToYaml,
  BUILD_VARIABLES,
  buildSpecToYaml,
  ghostAppSpec,
  ghostBuildSpec,
  IMAGE1_PLACEHOLDER,
  IMAGE_DETAIL_FILE,
  pullableImage,
  renderDockerfile,
  TASK_DEFINITION_TEMPLATE_OUTPUT,
  taskDefinitionFromOutputs,
  taskDefinitionTemplateOutput,
  TerraformOutputs,
  toYaml,
  YamlDecimal,
} from "../src/build/app-repo";
import { buildApp } from "../src/app";
import { loadProject } from "../src/config";
import { BOOTSTRAP_CONTAINER } from "../src/run/owner-bootstrap";
import { parseArgs, writeAppRepository } from "../scripts/app-repo";
import { onlyResource, synthStack } from "./helpers";

/** Parses YAML strictly: duplicate keys, warnings and errors all fail. */
function parseStrict(text: string): any {
  return parse(text, { strict: true, uniqueKeys: true, prettyErrors: true });
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "app-repo-"));
}

describe("toYaml", () => {
  it("reads back as the same data", () => {
    const data = {
      map: { nested: { list: ["a", "b"] }, number: 2368, flag: true },
      list: [{ first: "x", second: ["y"] }, ["inner"], "plain"],
      empty: { list: [], map: {} },
    };
    expect(parseStrict(toYaml(data))).toEqual(data);
  });

  it("quotes strings YAML would read as something else", () => {
    const tricky = [
      "yes",
      "no",
      "true",
      "null",
      "~",
      "1.0",
      "0x1f",
      "",
      " lead",
      "trail ",
      "a: b",
      "#c",
      "- d",
      "@e",
      "'f'",
      '"g"',
      "h\ni",
      "x #y",
      "z:",
      "$A {b} [c], 'd' \"e\" | f > g",
      "(h)",
      "a\tb",
      "é",
    ];
    const yaml = toYaml({ tricky });
    expect(parseStrict(yaml)).toEqual({ tricky });
    expect(yaml).toContain('- "yes"');
  });

  it("writes decimals verbatim and leaves safe strings plain", () => {
    expect(toYaml({ version: new YamlDecimal("0.0"), Type: "AWS::ECS::Service", t: "<TASK_DEFINITION>" })).toBe(
      "version: 0.0\nType: AWS::ECS::Service\nt: <TASK_DEFINITION>\n",
    );
  });

  it("refuses values it cannot write", () => {
    expect(() => toYaml({ a: null })).toThrow(/cannot write/);
    expect(() => toYaml({ a: Number.NaN })).toThrow(/cannot write/);
    expect(() => new YamlDecimal("1")).toThrow(/not a decimal/);
  });
});

describe("appspec.yaml", () => {
  const yaml = appSpecToYaml(
    ghostAppSpec({ containerName: "ghost", containerPort: 2368, capacityProvider: "FARGATE" }),
  );

  it("targets the ECS service with the ghost container on 2368 and CodeDeploy's task definition placeholder", () => {
    expect(parseStrict(yaml)).toEqual({
      version: 0,
      Resources: [
        {
          TargetService: {
            Type: "AWS::ECS::Service",
            Properties: {
              TaskDefinition: "<TASK_DEFINITION>",
              LoadBalancerInfo: { ContainerName: "ghost", ContainerPort: 2368 },
              PlatformVersion: "LATEST",
              CapacityProviderStrategy: [{ CapacityProvider: "FARGATE", Base: 1, Weight: 1 }],
            },
          },
        },
      ],
    });
  });

  it("writes the version as CodeDeploy documents it and the placeholder as literal text", () => {
    expect(yaml).toMatch(/^version: 0\.0$/m);
    expect(yaml).toMatch(/^ +TaskDefinition: <TASK_DEFINITION>$/m);
  });

  it("keeps the service's capacity provider", () => {
    const spot = parseStrict(
      appSpecToYaml(ghostAppSpec({ containerName: "ghost", containerPort: 2368, capacityProvider: "FARGATE_SPOT" })),
    );
    expect(spot.Resources[0].TargetService.Properties.CapacityProviderStrategy).toEqual([
      { CapacityProvider: "FARGATE_SPOT", Base: 1, Weight: 1 },
    ]);
  });
});

describe("buildspec.yml", () => {
  const spec = parseStrict(buildSpecToYaml(ghostBuildSpec()));
  const REPOSITORY_URI = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/ghost-test";

  /** Runs every phase's commands in one shell, as CodeBuild does, with fake `aws` and `docker`. */
  function runBuild(env: Record<string, string>): { calls: string[]; imageDetail: string } {
    const dir = tempDir();
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    const log = path.join(dir, "calls.log");
    // `docker login` logs only once it has read the password, so the log order is the pipe's order.
    const stubs = {
      aws: `echo "aws $*" >> "${log}"\necho fake-password`,
      docker: `if [ "$1" = login ]; then read -r password; echo "docker $* < $password" >> "${log}"; else echo "docker $*" >> "${log}"; fi`,
    };
    for (const [tool, script] of Object.entries(stubs)) {
      fs.writeFileSync(path.join(bin, tool), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    }
    const phases = ["pre_build", "build", "post_build"].flatMap((phase) => spec.phases[phase].commands);
    execFileSync("sh", ["-e", "-c", phases.join("\n")], {
      cwd: dir,
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        [BUILD_VARIABLES.repositoryUri]: REPOSITORY_URI,
        [BUILD_VARIABLES.region]: "eu-west-2",
        [BUILD_VARIABLES.imageTag]: "latest",
        ...env,
      },
    });
    return {
      calls: fs.readFileSync(log, "utf8").trim().split("\n"),
      imageDetail: fs.readFileSync(path.join(dir, IMAGE_DETAIL_FILE), "utf8"),
    };
  }

  it("is a version 0.2 buildspec whose only artifact is imageDetail.json", () => {
    expect(spec.version).toBe(0.2);
    expect(Object.keys(spec.phases)).toEqual(["pre_build", "build", "post_build"]);
    expect(spec.artifacts).toEqual({ files: ["imageDetail.json"] });
  });

  it("skips post_build when the build fails", () => {
    expect(spec.phases.build["on-failure"]).toBe("ABORT");
  });

  it("reads only the variables the CodeBuild project and the pipeline set", () => {
    const used = new Set(
      JSON.stringify(spec.phases)
        .match(/\$\{?[A-Z_]+/g)!
        .map((v) => v.replace(/^\$\{?/, "")),
    );
    expect([...used].sort()).toEqual(
      [...Object.values(BUILD_VARIABLES), "COMMIT_ID", "CODEBUILD_RESOLVED_SOURCE_VERSION"].sort(),
    );
  });

  it("logs in to the repository's registry, builds, pushes commit tag then latest, and writes imageDetail.json", () => {
    const { calls, imageDetail } = runBuild({ [BUILD_VARIABLES.commitId]: "0123456789abcdef" });
    expect(calls).toEqual([
      "aws ecr get-login-password --region eu-west-2",
      "docker login --username AWS --password-stdin 123456789012.dkr.ecr.eu-west-2.amazonaws.com < fake-password",
      `docker build --pull --tag ${REPOSITORY_URI}:01234567 --tag ${REPOSITORY_URI}:latest .`,
      `docker push ${REPOSITORY_URI}:01234567`,
      `docker push ${REPOSITORY_URI}:latest`,
    ]);
    expect(JSON.parse(imageDetail)).toEqual({ ImageURI: `${REPOSITORY_URI}:01234567` });
  });

  it("falls back to CodeBuild's source version, then to 'manual'", () => {
    expect(JSON.parse(runBuild({ CODEBUILD_RESOLVED_SOURCE_VERSION: "fedcba9876543210" }).imageDetail).ImageURI).toBe(
      `${REPOSITORY_URI}:fedcba98`,
    );
    expect(JSON.parse(runBuild({}).imageDetail).ImageURI).toBe(`${REPOSITORY_URI}:manual`);
  });
});

describe("Dockerfile", () => {
  it("pulls official images from the ECR Public mirror, others as they are", () => {
    expect(pullableImage("ghost:5-alpine")).toBe("public.ecr.aws/docker/library/ghost:5-alpine");
    expect(pullableImage(`ghost@sha256:${"a".repeat(64)}`)).toBe(
      `public.ecr.aws/docker/library/ghost@sha256:${"a".repeat(64)}`,
    );
    expect(pullableImage("example/ghost:5")).toBe("example/ghost:5");
    expect(pullableImage("123456789012.dkr.ecr.eu-west-2.amazonaws.com/ghost:5")).toBe(
      "123456789012.dkr.ecr.eu-west-2.amazonaws.com/ghost:5",
    );
  });

  it("starts from the pinned image and has room for a theme", () => {
    const dockerfile = renderDockerfile({ ghostImage: "ghost:5.116.0-alpine" });
    expect(dockerfile.split("\n").filter((line) => line.startsWith("FROM "))).toEqual([
      "FROM public.ecr.aws/docker/library/ghost:5.116.0-alpine",
    ]);
    expect(dockerfile).toMatch(/^# COPY --chown=node:node themes\/ \/var\/lib\/ghost\/content\.orig\/themes\/$/m);
  });
});

/** snake_case keys to camelCase, recursively: the resource's shape to RegisterTaskDefinition's. */
function camelKeys(value: any): any {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
      camelKeys(item),
    ]),
  );
}

/** The Terraform task definition resource in RegisterTaskDefinition's shape (what ECS registers). */
function registeredTaskDefinition(resource: any): any {
  const { container_definitions: containers, volume, "//": _metadata, ...rest } = resource;
  return { ...camelKeys(rest), containerDefinitions: JSON.parse(containers), volumes: camelKeys(volume) };
}

/** Stands in for `terraform apply`: every `${...}` reference gets the same fake value wherever it appears. */
function fakeApply(text: string, values: Map<string, string>): string {
  return text.replace(/\$\{[^}]*\}/g, (reference) => {
    if (!values.has(reference)) values.set(reference, `fake-${values.size}`);
    return values.get(reference)!;
  });
}

describe.each(loadProject().environments.map((config) => [config.environment, config] as const))(
  "task definition template (%s)",
  (environment, config) => {
    const app = Testing.app();
    const stack = buildApp(app).environmentStacks.find((s) => s.node.id.endsWith(`-${environment}`))!;
    // Idempotent: returns the stack's own output once the stack wires it.
    taskDefinitionTemplateOutput(stack, stack.service.taskDefinitionProps);
    const { json } = synthStack(stack);
    const resource = onlyResource(json, "aws_ecs_task_definition");
    const output = (json.output as any)[TASK_DEFINITION_TEMPLATE_OUTPUT];
    const registered = registeredTaskDefinition(resource);

    it("is the Terraform task definition with the image replaced by <IMAGE1_NAME>", () => {
      const [container, bootstrap] = registered.containerDefinitions;
      expect(container.image).toBe(pullableImage(config.service.ghostImage)); // first pull from the ECR Public mirror
      expect(JSON.parse(output.value)).toEqual({
        ...registered,
        containerDefinitions: [{ ...container, image: IMAGE1_PLACEHOLDER }, bootstrap],
      });
    });

    it("keeps the owner bootstrap beside Ghost, on Ghost's upstream image: CodeDeploy replaces only Ghost's", () => {
      const [, bootstrap, ...others] = JSON.parse(output.value).containerDefinitions;
      expect(others).toEqual([]);
      expect(bootstrap.name).toBe(BOOTSTRAP_CONTAINER);
      expect(bootstrap.image).toBe(pullableImage(config.service.ghostImage));
    });

    it("is written to taskdef.json by `npm run app-repo` exactly as Terraform registers it", () => {
      const values = new Map<string, string>();
      const applied = JSON.parse(fakeApply(JSON.stringify(registered), values));
      const outputs: TerraformOutputs = {
        [TASK_DEFINITION_TEMPLATE_OUTPUT]: { value: fakeApply(output.value, values) },
      };
      const out = tempDir();
      writeAppRepository({ env: environment, out }, outputs, loadProject());

      const taskdef = JSON.parse(fs.readFileSync(path.join(out, APP_REPO_FILES.taskDefinition), "utf8"));
      const [container, bootstrap] = applied.containerDefinitions;
      expect(taskdef).toEqual({
        ...applied,
        containerDefinitions: [{ ...container, image: IMAGE1_PLACEHOLDER }, bootstrap],
      });
      expect(JSON.stringify(taskdef)).not.toContain("${");
    });
  },
);

describe("npm run app-repo", () => {
  const project = loadProject();
  const environment = project.environments[0];
  const spec = {
    family: "ghost-x-ghost",
    containerDefinitions: [
      { name: "ghost", image: IMAGE1_PLACEHOLDER, portMappings: [{ containerPort: 2368, hostPort: 2368 }] },
    ],
  };
  const outputs: TerraformOutputs = { [TASK_DEFINITION_TEMPLATE_OUTPUT]: { value: JSON.stringify(spec) } };

  it("writes the Dockerfile, buildspec, appspec, task definition and README", () => {
    const out = tempDir();
    const written = writeAppRepository({ env: environment.environment, out }, outputs, project);
    expect(written.map((file) => path.basename(file)).sort()).toEqual(
      ["Dockerfile", "README.md", "appspec.yaml", "buildspec.yml", "taskdef.json"].sort(),
    );
    expect(fs.readFileSync(path.join(out, "Dockerfile"), "utf8")).toContain(
      `FROM ${pullableImage(environment.service.ghostImage)}`,
    );
    expect(fs.readFileSync(path.join(out, "README.md"), "utf8")).toContain(`--env ${environment.environment}`);
    expect(parseStrict(fs.readFileSync(path.join(out, "buildspec.yml"), "utf8")).artifacts.files).toEqual([
      "imageDetail.json",
    ]);
  });

  it("names the template's container and port in the AppSpec", () => {
    const out = tempDir();
    const renamed = {
      ...spec,
      containerDefinitions: [{ ...spec.containerDefinitions[0], portMappings: [{ containerPort: 8080 }] }],
    };
    writeAppRepository(
      { env: environment.environment, out },
      { [TASK_DEFINITION_TEMPLATE_OUTPUT]: { value: JSON.stringify(renamed) } },
      project,
    );
    const appspec = parseStrict(fs.readFileSync(path.join(out, "appspec.yaml"), "utf8"));
    expect(appspec.Resources[0].TargetService.Properties.LoadBalancerInfo).toEqual({
      ContainerName: "ghost",
      ContainerPort: 8080,
    });
  });

  it("refuses outputs without the template, with unresolved references, or without the placeholder", () => {
    expect(() => taskDefinitionFromOutputs({})).toThrow(/apply the environment stack first/);
    const unresolved = { ...spec, family: "${aws_ecs_task_definition.x.family}" };
    expect(() =>
      taskDefinitionFromOutputs({ [TASK_DEFINITION_TEMPLATE_OUTPUT]: { value: JSON.stringify(unresolved) } }),
    ).toThrow(/unresolved reference/);
    const pinned = { ...spec, containerDefinitions: [{ ...spec.containerDefinitions[0], image: "ghost:5" }] };
    expect(() =>
      taskDefinitionFromOutputs({ [TASK_DEFINITION_TEMPLATE_OUTPUT]: { value: JSON.stringify(pinned) } }),
    ).toThrow(/<IMAGE1_NAME>/);
  });

  it("refuses an unknown environment", () => {
    expect(() => writeAppRepository({ env: "nope", out: tempDir() }, outputs, project)).toThrow(
      /no environment "nope"/,
    );
  });

  it("parses its flags and needs exactly one source of Terraform outputs", () => {
    expect(parseArgs(["--env", "prod", "--out", "dir", "--outputs", "o.json"])).toEqual({
      env: "prod",
      out: "dir",
      outputs: "o.json",
      stackDir: undefined,
    });
    expect(() => parseArgs(["--env", "prod", "--out", "dir"])).toThrow(/exactly one of --outputs and --stack-dir/);
    expect(() => parseArgs(["--env", "prod", "--out", "d", "--outputs", "o", "--stack-dir", "s"])).toThrow(
      /exactly one/,
    );
    expect(() => parseArgs(["--env", "prod", "--bogus", "x"])).toThrow(/unexpected argument --bogus/);
    expect(() => parseArgs(["--out", "dir", "--outputs", "o"])).toThrow(/--env and --out are required/);
  });
});
