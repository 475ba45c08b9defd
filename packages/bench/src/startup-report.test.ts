import type * as runtime from '@thaw/runtime';
import { describe, expectTypeOf, it } from 'vitest';
import type { ReadyMessage, StartupReport, StartupReportMessage } from './startup-report.ts';

// Checked by `tsc` (the typecheck target): bench's copy of the IPC shapes and the runtime's own
// must stay assignable both ways, or bench would misread what a thaw function sends.
describe("bench's startup-report shapes", () => {
  it('are the runtime shapes, both ways', () => {
    expectTypeOf<runtime.StartupReport>().toExtend<StartupReport>();
    expectTypeOf<StartupReport>().toExtend<runtime.StartupReport>();
    expectTypeOf<runtime.ReadyMessage>().toExtend<ReadyMessage>();
    expectTypeOf<ReadyMessage>().toExtend<runtime.ReadyMessage>();
    expectTypeOf<runtime.StartupReportMessage>().toExtend<StartupReportMessage>();
    expectTypeOf<StartupReportMessage>().toExtend<runtime.StartupReportMessage>();
  });
});
