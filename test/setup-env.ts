import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// n8n-core reads its settings from the user folder on first use, so a fresh
// folder per test worker keeps the developer's own ~/.n8n out of the tests.
process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'kuaidi100-n8n-'));
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
