import * as z from '../../functions/domain/zod';

/**
 * The part of a change-of-address case's data that its update-register step sends to the
 * population register. type.json's inputSchema validated the whole of it at submission;
 * this is the step's own reading of it, so a type.json edit that drops a field fails there
 * loudly instead of registering half a move.
 */
export const moveSchema = z.object({
  newAddress: z.object({ street: z.string().check(z.minLength(1)), postalCode: z.string().check(z.minLength(1)), municipality: z.string().check(z.minLength(1)) }),
  /** The day of the move, `YYYY-MM-DD`. */
  movingDate: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
});

export type Move = z.infer<typeof moveSchema>;

/** The move a change-of-address case asks for; throws when its data does not hold one. */
export function moveOf(data: unknown): Move {
  return moveSchema.parse(data);
}
