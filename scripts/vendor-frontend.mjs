// Copies the pinned GOV.UK Frontend build into the app's wwwroot. The GDS Transport font and the crown belong to
// GOV.UK alone, so the @font-face rules are removed and no font or image assets are copied (text falls back to the
// stylesheet's own Arial/sans-serif stack).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";

const from = "node_modules/govuk-frontend/dist/govuk";
const to = "src/SafeUse/wwwroot/lib/govuk-frontend";
mkdirSync(to, { recursive: true });
const css = readFileSync(`${from}/govuk-frontend.min.css`, "utf8")
  .replace(/@font-face\{[^}]*\}/g, "")
  .replace(/\/\*# sourceMappingURL=.*?\*\//g, "");
writeFileSync(`${to}/govuk-frontend.min.css`, css);
writeFileSync(`${to}/govuk-frontend.min.js`, readFileSync(`${from}/govuk-frontend.min.js`, "utf8").replace(/\/\/# sourceMappingURL=.*/g, ""));
const version = JSON.parse(readFileSync("node_modules/govuk-frontend/package.json", "utf8")).version;
writeFileSync(`${to}/VERSION`, `govuk-frontend ${version}\n`);
console.log(`govuk-frontend ${version} copied to ${to}`);
