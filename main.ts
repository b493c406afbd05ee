// Entry point of `cdktf synth` / `cdktf deploy`: one bootstrap stack for Terraform state, one
// stack per environment declared in src/config/environments.ts. All logic lives in src/.
import { synthesizeOrExit } from "./src/app";

synthesizeOrExit();
