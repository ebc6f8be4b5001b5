/** A person's name wherever their words or voice are attributed: see users/user-name.ts. */
import type { User } from "@won/protocol";
import { shownName } from "../users/user-name";

/**
 * The display name, isolated with <bdi> so right-to-left text in it cannot reorder what follows,
 * then the muted @username. `testId` marks the display name alone.
 */
export function UserName({
  user,
  testId,
}: {
  user: Pick<User, "displayName" | "username">;
  testId?: string;
}) {
  return (
    <span className="user-name">
      <bdi data-testid={testId}>{shownName(user)}</bdi> <span className="handle">@{user.username}</span>
    </span>
  );
}
