/** The patches carried for moto are few, listed, documented and self-retiring. */
import * as fs from "fs";
import * as path from "path";
import { EMULATOR_PATCHES_DIR } from "../tools/emulator";
import { EMULATOR_PATCHES } from "./support/emulator-gaps";

const files = fs.readdirSync(EMULATOR_PATCHES_DIR).filter((file) => file.endsWith(".py"));

describe("emulator patches", () => {
  it("lists every patch file once in EMULATOR_PATCHES, and no other", () => {
    expect(EMULATOR_PATCHES.map((patch) => patch.file).sort()).toEqual([...files].sort());
  });

  it.each(files)("%s says which AWS behaviour it restores and what moto lacks", (file) => {
    const source = fs.readFileSync(path.join(EMULATOR_PATCHES_DIR, file), "utf8");
    expect(source).toMatch(/^"""\nAWS behaviour restored: /);
    expect(source).toMatch(/\nUpstream gap \(moto \d+\.\d+\.\d+\): /);
  });

  it.each(files)("%s stops the emulator, asking to be deleted, once moto has the behaviour", (file) => {
    const source = fs.readFileSync(path.join(EMULATOR_PATCHES_DIR, file), "utf8");
    expect(source).toMatch(/raise SystemExit\(f"\{__file__\}: moto now .*; delete this patch"\)/);
  });

  it("names the moto release the patches were written for, which test-requirements.txt pins", () => {
    const pinned = /^moto\[server\]==(\S+)$/m.exec(
      fs.readFileSync(path.join(__dirname, "..", "test-requirements.txt"), "utf8"),
    )?.[1];
    for (const file of files) {
      const source = fs.readFileSync(path.join(EMULATOR_PATCHES_DIR, file), "utf8");
      expect({ file, moto: /Upstream gap \(moto (\S+)\)/.exec(source)?.[1] }).toEqual({ file, moto: pinned });
    }
  });
});
