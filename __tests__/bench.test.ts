// The pure parts of scripts/bench.ts (the timings themselves are the benchmark's business, not a test's).
import { loadProject } from "../src/config";
import { PROJECT } from "../src/config/environments";
import {
  checkTargets,
  countResources,
  linearFit,
  markdownTable,
  parseArgs,
  scaledProject,
  summarize,
  TARGET_COMPILED_SECONDS,
} from "../scripts/bench";

describe("parseArgs", () => {
  it("defaults to 5 runs", () => {
    expect(parseArgs([])).toEqual({ runs: 5, synthEnvironments: undefined, outdir: undefined });
  });

  it("reads --runs N and --runs=N", () => {
    expect(parseArgs(["--runs", "3"]).runs).toBe(3);
    expect(parseArgs(["--runs=7"]).runs).toBe(7);
  });

  it("refuses a run count that is not a positive integer", () => {
    expect(() => parseArgs(["--runs", "0"])).toThrow(/positive integer/);
    expect(() => parseArgs(["--runs", "two"])).toThrow(/positive integer/);
    expect(() => parseArgs(["--runs"])).toThrow(/needs a value/);
  });

  it("refuses unknown arguments", () => {
    expect(() => parseArgs(["--fast"])).toThrow(/unknown argument "--fast"/);
  });

  it("reads the hidden child mode, which needs an output directory", () => {
    expect(parseArgs(["--synth-environments", "4", "--outdir", "/tmp/x"])).toMatchObject({
      synthEnvironments: 4,
      outdir: "/tmp/x",
    });
    expect(() => parseArgs(["--synth-environments", "4"])).toThrow(/needs --outdir/);
  });
});

describe("summarize", () => {
  it("gives min, median and max of unsorted samples", () => {
    expect(summarize([3, 1, 2])).toEqual({ min: 1, median: 2, max: 3 });
  });

  it("takes the mean of the middle two for an even count", () => {
    expect(summarize([4, 1, 3, 2]).median).toBe(2.5);
  });

  it("does not reorder the caller's samples", () => {
    const samples = [3, 1, 2];
    summarize(samples);
    expect(samples).toEqual([3, 1, 2]);
  });

  it("refuses an empty list", () => {
    expect(() => summarize([])).toThrow(/no samples/);
  });
});

describe("markdownTable", () => {
  const table = markdownTable(
    ["what", "median"],
    [
      ["synth", "0.61"],
      ["terraform plan", "12.30"],
    ],
    ["l", "r"],
  ).split("\n");

  it("has a header, a rule and one line per row", () => {
    expect(table).toHaveLength(4);
    expect(table[0]).toMatch(/^\| what +\| median \|$/);
  });

  it("marks and pads right-aligned columns", () => {
    expect(table[1]).toBe("|----------------|-------:|");
    expect(table[2]).toBe("| synth          |   0.61 |");
    expect(table[3]).toBe("| terraform plan |  12.30 |");
  });

  it("makes every line the same width", () => {
    expect(new Set(table.map((line) => line.length)).size).toBe(1);
  });
});

describe("countResources", () => {
  it("counts the resources of every type", () => {
    expect(countResources({ resource: { aws_vpc: { vpc: {} }, aws_subnet: { a: {}, b: {}, c: {} } } })).toBe(4);
  });

  it("counts zero in a stack without resources", () => {
    expect(countResources({})).toBe(0);
  });
});

describe("scaledProject", () => {
  const scaled = scaledProject(PROJECT, 8);
  const dev = PROJECT.environments.find((env) => env.environment === "dev") ?? PROJECT.environments[0];

  it("has N environments named e1..eN", () => {
    expect(scaled.environments.map((env) => env.environment)).toEqual(["e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8"]);
  });

  it("gives every copy its own VPC CIDR", () => {
    const cidrs = scaled.environments.map((env) => env.network?.vpcCidr);
    expect(new Set(cidrs).size).toBe(8);
  });

  it("copies the dev environment's other settings", () => {
    expect(scaled.environments[7].region).toBe(dev.region);
    expect(scaled.environments[7].database).toEqual(dev.database);
    expect(scaled.environments[7].network?.natGateways).toBe(dev.network?.natGateways);
  });

  it("keeps the project and its state settings", () => {
    expect(scaled.project).toBe(PROJECT.project);
    expect(scaled.state).toEqual(PROJECT.state);
  });

  it("passes validation", () => {
    expect(loadProject(scaled).environments).toHaveLength(8);
  });
});

describe("linearFit", () => {
  it("recovers an exact line with r² = 1", () => {
    const fit = linearFit([
      [1, 0.7],
      [2, 0.9],
      [4, 1.3],
      [8, 2.1],
    ]);
    expect(fit.slope).toBeCloseTo(0.2, 10);
    expect(fit.intercept).toBeCloseTo(0.5, 10);
    expect(fit.r2).toBeCloseTo(1, 10);
  });

  it("reports r² below 1 for scattered points", () => {
    expect(
      linearFit([
        [1, 1],
        [2, 3],
        [4, 2],
        [8, 5],
      ]).r2,
    ).toBeLessThan(0.9);
  });

  it("needs two points", () => {
    expect(() => linearFit([[1, 1]])).toThrow(/two points/);
  });
});

describe("checkTargets", () => {
  it("passes both targets when compiled synth is fast and far ahead of ts-node", () => {
    expect(checkTargets(0.6, 4.2).map((target) => target.pass)).toEqual([true, true]);
  });

  it("fails the time target above the limit", () => {
    const [time] = checkTargets(TARGET_COMPILED_SECONDS + 0.01, 100);
    expect(time.pass).toBe(false);
    expect(time.line).toMatch(/median 1\.51 s \(target ≤ 1\.5 s\)/);
  });

  it("fails the ratio target below 5×", () => {
    const [, ratio] = checkTargets(1, 4.9);
    expect(ratio.pass).toBe(false);
    expect(ratio.line).toMatch(/4\.9× faster/);
  });
});
