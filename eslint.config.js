// @ts-check
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "scripts/.venv/", "bench/.venv/", "**/*.cjs"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-empty-object-type": "off",
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "read the environment only in src/config/ and src/cli/" },
      ],
    },
  },
  {
    files: ["src/config/**", "src/cli/**", "scripts/**", "bench/**", "tests/**", "examples/**"],
    rules: { "no-restricted-properties": "off" },
  },
);
