/** Creates a channel, in an event (organisers/moderators) or standalone. */
import { useQueryClient } from "@tanstack/react-query";
import { CreateChannelBody } from "@won/protocol";
import { type FormEvent, useState } from "react";
import { useNavigate } from "react-router";
import { api } from "../api/endpoints";
import { formErrorsOf } from "../api/problem";
import { qk } from "../api/queries";
import { zodFieldErrors } from "../forms/zod-errors";
import { Field, FormError } from "./ui";

export function NewChannelForm({ eventId }: { eventId?: string }) {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const qc = useQueryClient();
  const navigate = useNavigate();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = CreateChannelBody.safeParse({
      name,
      ...(description.trim() ? { description: description.trim() } : {}),
      ...(eventId ? { eventId } : {}),
    });
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error));
    setBusy(true);
    setErrors({});
    setFormError(null);
    try {
      const ch = await api.createChannel(parsed.data);
      setName("");
      setDescription("");
      await qc.invalidateQueries({ queryKey: qk.channels });
      if (eventId) await qc.invalidateQueries({ queryKey: qk.event(eventId) });
      else navigate(`/channels/${ch.id}`);
    } catch (err) {
      const r = formErrorsOf(err);
      setErrors(r.fields);
      setFormError(r.form);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label="New channel" style={{ marginTop: ".75rem" }}>
      <FormError>{formError}</FormError>
      <Field
        label="Channel name"
        name="channelName"
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={errors.name}
        placeholder="Stewards"
      />
      <Field
        label="Channel description"
        name="channelDescription"
        value={description}
        onChange={(e) => setDescription(e.target.value)}
        error={errors.description}
        placeholder="Optional"
      />
      <button className="btn primary" type="submit" disabled={busy}>
        {busy ? "Creating…" : "Create channel"}
      </button>
    </form>
  );
}
