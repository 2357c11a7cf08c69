// What a Vite user adds for pocketformer: its worker uses dynamic imports, so
// workers must be built as ES modules; relative asset paths let the build be
// served from any folder.
export default {
  base: './',
  worker: { format: 'es' },
  build: { target: 'es2022' },
};
