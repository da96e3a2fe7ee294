import { z } from 'zod';

const FreezeName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS label: lowercase letters, digits and "-"')
  .max(63);

/**
 * A freeze window. Either fixed, `from` → `to` (both included, ISO 8601 with an offset), or recurring: it starts
 * at each time `cron` names (read in `timezone`) and lasts `durationHours`. One object with a rule rather than a
 * union of two, so a mistake is reported as the field at fault and not as "matches neither form".
 */
export const FreezeSchema = z
  .object({
    name: FreezeName,
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    /** Five fields (minute hour day-of-month month day-of-week), names allowed: `0 0 * * SAT`. */
    cron: z.string().min(1).max(120).optional(),
    durationHours: z
      .number()
      .positive()
      .max(24 * 31)
      .optional(),
    /** IANA time zone the cron expression is read in. */
    timezone: z.string().min(1).optional(),
    /** Target names, or `"*"` for every target. */
    targets: z.array(z.string().min(1)).min(1),
    reason: z.string().min(1).max(300).optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    const fixed = f.from !== undefined || f.to !== undefined;
    const recurring = f.cron !== undefined || f.durationHours !== undefined || f.timezone !== undefined;
    if (fixed && recurring) {
      ctx.addIssue({
        code: 'custom',
        path: ['cron'],
        message: 'set either from + to, or cron + durationHours, not both',
      });
      return;
    }
    if (!fixed && !recurring) {
      ctx.addIssue({
        code: 'custom',
        path: ['from'],
        message: 'set either from + to, or cron + durationHours',
      });
      return;
    }
    if (fixed) {
      if (f.from === undefined)
        ctx.addIssue({ code: 'custom', path: ['from'], message: 'is required with to' });
      if (f.to === undefined)
        ctx.addIssue({ code: 'custom', path: ['to'], message: 'is required with from' });
    } else {
      if (f.cron === undefined)
        ctx.addIssue({ code: 'custom', path: ['cron'], message: 'is required with durationHours' });
      if (f.durationHours === undefined)
        ctx.addIssue({ code: 'custom', path: ['durationHours'], message: 'is required with cron' });
    }
  });
export type Freeze = z.infer<typeof FreezeSchema>;

/** A freeze in force at some instant, with the window it is in (ms since the epoch; `to` excluded). */
export const ActiveFreezeSchema = z.object({
  name: z.string(),
  reason: z.string(),
  from: z.number(),
  to: z.number(),
});
export type ActiveFreeze = z.infer<typeof ActiveFreezeSchema>;

/** An approver lifted the freezes for one rollout (or fleet rollout), with the reason; kept for the audit. */
export const FreezeOverrideSchema = z.object({
  actor: z.string(),
  reason: z.string().min(1).max(500),
  at: z.number(),
});
export type FreezeOverride = z.infer<typeof FreezeOverrideSchema>;
