// Every built-in generator agent, in one ordered list (artifact-kind order); the registry picks one per kind from it.
import type { GeneratorAgent } from '../lib/agent.js';
import alembic from './alembic.js';
import fastapiBackend from './fastapi-backend.js';
import openapi from './openapi.js';
import pytestTests from './pytest-tests.js';
import serviceReadme from './service-readme.js';

export const ALL_AGENTS: readonly GeneratorAgent[] = [fastapiBackend, alembic, openapi, pytestTests, serviceReadme];
