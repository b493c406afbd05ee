import { toYaml, YamlDecimal } from "./yaml";

/** The environment variables the CodeBuild project sets and the buildspec reads. */
export const BUILD_VARIABLES = {
  /** ECR repository URI, `<account>.dkr.ecr.<region>.amazonaws.com/<name>`. */
  repositoryUri: "REPOSITORY_URI",
  /** Region of the repository (for `aws ecr get-login-password`). */
  region: "REPOSITORY_REGION",
  /** The moving tag the deploy pipeline follows, e.g. `latest`. */
  imageTag: "IMAGE_TAG",
  /** The commit being built; the build action sets it from the source action's `CommitId` variable. */
  commitId: "SOURCE_COMMIT_ID",
} as const;

/** The file the build writes for the pipeline: `{"ImageURI": "<repository>:<commit tag>"}`. */
export const IMAGE_DETAIL_FILE = "imageDetail.json";

export interface BuildPhase {
  /** ABORT: later phases (post_build) do not run when this one fails. */
  readonly "on-failure"?: "ABORT" | "CONTINUE";
  readonly commands: string[];
}

/** A CodeBuild buildspec (version 0.2), the fields used here. */
export interface BuildSpec {
  readonly version: "0.2";
  readonly phases: { readonly pre_build: BuildPhase; readonly build: BuildPhase; readonly post_build: BuildPhase };
  readonly artifacts: { readonly files: string[] };
}

/**
 * Builds the repository's Dockerfile, tags the image with the commit id and the moving tag,
 * pushes both (the moving tag last: its push starts the deploy pipeline), writes imageDetail.json.
 * Commands run in one shell (buildspec 0.2), so variables set in one phase persist.
 */
export function ghostBuildSpec(): BuildSpec {
  const { repositoryUri, region, imageTag, commitId } = BUILD_VARIABLES;
  const commitImage = `"$${repositoryUri}:$COMMIT_ID"`;
  const movingImage = `"$${repositoryUri}:$${imageTag}"`;
  return {
    version: "0.2",
    phases: {
      pre_build: {
        commands: [
          // The registry host is the part of the URI before the first "/".
          `aws ecr get-login-password --region "$${region}" | docker login --username AWS --password-stdin "\${${repositoryUri}%%/*}"`,
          // Short commit id: from the pipeline, else CodeBuild's source version, else "manual".
          `COMMIT_ID="$(echo "\${${commitId}:-\${CODEBUILD_RESOLVED_SOURCE_VERSION:-manual}}" | cut -c 1-8)"`,
        ],
      },
      build: {
        "on-failure": "ABORT",
        commands: [
          `docker build --pull --tag ${commitImage} --tag ${movingImage} .`,
          `docker push ${commitImage}`,
          `docker push ${movingImage}`,
        ],
      },
      post_build: {
        commands: [`printf '{"ImageURI":"%s"}' "$${repositoryUri}:$COMMIT_ID" > ${IMAGE_DETAIL_FILE}`],
      },
    },
    artifacts: { files: [IMAGE_DETAIL_FILE] },
  };
}

/** `buildspec.yml`. */
export function buildSpecToYaml(spec: BuildSpec): string {
  return toYaml({ ...spec, version: new YamlDecimal(spec.version) });
}
