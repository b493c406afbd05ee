// A stand-in for Terraform in the graceful-stop test: on each SIGINT it records it; on the first it
// "saves its state" (writes the file given) after a moment and exits 0, as Terraform does.
const fs = require("fs");
const [record] = process.argv.slice(2);
const signals = [];
process.on("SIGINT", () => {
  signals.push("SIGINT");
  fs.writeFileSync(record, JSON.stringify({ signals, saved: false }));
  if (signals.length === 1) {
    setTimeout(() => {
      fs.writeFileSync(record, JSON.stringify({ signals, saved: true }));
      process.exit(0);
    }, 300);
  }
});
process.on("SIGTERM", () => {
  signals.push("SIGTERM");
  fs.writeFileSync(record, JSON.stringify({ signals, saved: false }));
});
// Its pid, so that the test can end it should the wrapper die first (it is in its own group).
fs.writeFileSync(record, JSON.stringify({ signals, saved: false, started: process.pid }));
setInterval(() => undefined, 1000);
