import { defineConfig } from "vite";

// The built files are embedded in the cairn binary (src/console/build_web.cmake). No inline
// scripts or styles may be produced: the console's Content-Security-Policy forbids them.
export default defineConfig({
  base: "/",
  build: {
    target: "es2022",
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: false,
  },
});
