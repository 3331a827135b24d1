import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: ['./src/db/schema.ts', './src/db/people.schema.ts', './src/db/focus.schema.ts', './src/db/rotation.schema.ts'],
  out: './drizzle',
});
