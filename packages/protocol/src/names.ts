import { z } from 'zod';
import { MAX_NAME_LENGTH } from './limits.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

export const playerNameSchema = z
  .string()
  .trim()
  .min(1, 'name must not be empty')
  .max(MAX_NAME_LENGTH, `name must be at most ${MAX_NAME_LENGTH} characters`)
  .refine((s) => !CONTROL_CHARS.test(s), 'name must not contain control characters');
