/** An event: details, channels, members, and the tools its abilities allow me. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { PatchEventBody } from "@won/protocol";
import { type FormEvent, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { api } from "../api/endpoints";
import { describeError, formErrorsOf } from "../api/problem";
import { qk, useEvent, useEventMembers } from "../api/queries";
import { useSessionStore } from "../auth/session";
import { EventForm, type EventFormValues, eventBodyFrom, formValuesOf } from "../components/EventForm";
import { ChevronIcon } from "../components/Icons";
import { InviteCodeCard } from "../components/InviteCodeCard";
import { MembersList } from "../components/MembersList";
import { NewChannelForm } from "../components/NewChannelForm";
import { FormError, Spinner } from "../components/ui";
import { zodFieldErrors } from "../forms/zod-errors";
import { roleLabel } from "../members/role-label";

export function EventScreen() {
  const { eventId = "" } = useParams();
  const event = useEvent(eventId);
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const me = useSessionStore((s) => s.session?.user.id);
  // My own row says whether I may leave (an event must keep an organiser; the server decides).
  const myMembership = useEventMembers(eventId).data?.find((m) => m.user.id === me);

  const regenerate = useMutation({
    mutationFn: () => api.regenerateEventCode(eventId),
    onSuccess: (ev) =>
      qc.setQueryData(qk.event(eventId), (old: typeof event.data) =>
        old ? { ...old, ...ev, channels: old.channels } : old,
      ),
  });
  const remove = useMutation({
    mutationFn: () => api.deleteEvent(eventId),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: qk.events });
      await qc.invalidateQueries({ queryKey: qk.channels });
      navigate("/", { replace: true });
    },
  });

  const leave = useMutation({
    mutationFn: () => api.removeEventMember(eventId, me ?? ""),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: qk.events });
      await qc.invalidateQueries({ queryKey: qk.channels });
      navigate("/", { replace: true });
    },
  });

  if (event.isPending)
    return (
      <main id="main" className="main">
        <Spinner label="Loading event" />
      </main>
    );
  if (event.isError)
    return (
      <main id="main" className="main">
        <p className="form-error">{describeError(event.error)}</p>
        <Link to="/">Back home</Link>
      </main>
    );
  const ev = event.data;
  const may = ev.abilities;

  return (
    <main id="main" className="main">
      <nav className="small" aria-label="Breadcrumb">
        <Link to="/">Home</Link> / {ev.name}
      </nav>
      <div className="row" style={{ margin: ".5rem 0 1rem" }}>
        <h1 style={{ margin: 0 }}>{ev.name}</h1>
        <span className="badge accent">{roleLabel(ev.myRole)}</span>
      </div>
      <div className="grid-2">
        <div>
          <section className="card" aria-labelledby="details-title">
            <div className="row">
              <h2 id="details-title">Details</h2>
              <span className="spacer" />
              {may.edit && !editing && (
                <button type="button" className="btn small" onClick={() => setEditing(true)}>
                  Edit
                </button>
              )}
            </div>
            {editing ? (
              <EditEvent eventId={eventId} initial={formValuesOf(ev)} onDone={() => setEditing(false)} />
            ) : (
              <>
                {ev.description ? <p>{ev.description}</p> : <p className="muted">No description.</p>}
                <dl className="details">
                  {ev.startsAt && (
                    <>
                      <dt>Starts</dt>
                      <dd>{new Date(ev.startsAt).toLocaleString()}</dd>
                    </>
                  )}
                  {ev.endsAt && (
                    <>
                      <dt>Ends</dt>
                      <dd>{new Date(ev.endsAt).toLocaleString()}</dd>
                    </>
                  )}
                  <dt>Members</dt>
                  <dd>{ev.memberCount}</dd>
                </dl>
              </>
            )}
          </section>
          <section className="card" aria-labelledby="channels-title">
            <h2 id="channels-title">Channels</h2>
            {ev.channels.length === 0 ? (
              <p className="empty">
                No channels yet.{may.createChannel ? " Create the first one below." : ""}
              </p>
            ) : (
              <ul className="list" data-testid="channel-list">
                {ev.channels.map((c) => (
                  <li key={c.id}>
                    <Link to={`/channels/${c.id}`} className="list-item">
                      <div>
                        <div className="title"># {c.name}</div>
                        {c.description && <div className="sub">{c.description}</div>}
                      </div>
                      <span className="chev">
                        <ChevronIcon />
                      </span>
                    </Link>
                  </li>
                ))}
              </ul>
            )}
            {may.createChannel && (
              <details open={ev.channels.length === 0}>
                <summary className="muted small">New channel</summary>
                <NewChannelForm eventId={ev.id} />
              </details>
            )}
          </section>
        </div>
        <div>
          {may.invite && ev.inviteCode && (
            <section className="card" aria-labelledby="invite-title">
              <h2 id="invite-title">Invite code</h2>
              <p className="muted small">
                Stewards join this event (and all its channels) with this code or by scanning the QR code.
              </p>
              <InviteCodeCard
                code={ev.inviteCode}
                onRegenerate={may.rotateInvite ? () => regenerate.mutate() : undefined}
                busy={regenerate.isPending}
              />
            </section>
          )}
          <MembersList eventId={ev.id} />
          {myMembership?.abilities.remove && (
            <section className="card" aria-labelledby="leave-title">
              <h2 id="leave-title">Leave</h2>
              <p className="muted small">You can rejoin later with the invite code.</p>
              {leave.isError && <p className="form-error">{describeError(leave.error)}</p>}
              <button
                type="button"
                className="btn danger"
                disabled={leave.isPending}
                onClick={() => {
                  if (confirm(`Leave “${ev.name}”?`)) leave.mutate();
                }}
              >
                Leave event
              </button>
            </section>
          )}
          {may.delete && (
            <section className="card" aria-labelledby="danger-title">
              <h2 id="danger-title">Danger zone</h2>
              <p className="muted small">Deleting the event deletes all its channels and their history.</p>
              {remove.isError && <p className="form-error">{describeError(remove.error)}</p>}
              <button
                type="button"
                className="btn danger"
                disabled={remove.isPending}
                onClick={() => {
                  if (confirm(`Delete “${ev.name}” and all its channels?`)) remove.mutate();
                }}
              >
                Delete event
              </button>
            </section>
          )}
        </div>
      </div>
    </main>
  );
}

function EditEvent({
  eventId,
  initial,
  onDone,
}: {
  eventId: string;
  initial: EventFormValues;
  onDone: () => void;
}) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const qc = useQueryClient();
  const save = useMutation({
    mutationFn: (body: PatchEventBody) => api.patchEvent(eventId, body),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: qk.event(eventId) });
      await qc.invalidateQueries({ queryKey: qk.events });
      onDone();
    },
    onError: (err) => {
      const r = formErrorsOf(err);
      setErrors(r.fields);
      setFormError(r.form);
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = PatchEventBody.safeParse(eventBodyFrom(values));
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error));
    setErrors({});
    save.mutate(parsed.data);
  }
  return (
    <form onSubmit={submit} noValidate aria-label="Edit event">
      <FormError>{formError}</FormError>
      <EventForm values={values} onChange={setValues} errors={errors} />
      <div className="row end">
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="btn primary" disabled={save.isPending}>
          Save
        </button>
      </div>
    </form>
  );
}
