import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { DMAPI_VERSION } from '../dispatch.ts';
import { productVersion } from '../../obs/version.ts';

export const version = defineCommand({
  name: 'version',
  summary: 'The DMAPI interface version and the server software.',
  access: 'read',
  session: 'required',
  execution: 'sync',
  params: z.object({}),
  errors: [],
  async run() {
    return { body: `Version: ${DMAPI_VERSION}\nServer: dmapid ${productVersion}\n` };
  },
});
