"""Live meeting mode (issue 14, SPEC §10): members with a family's plan or meeting open see
each other's saves within seconds, over WebSockets (Django Channels).

* `notify`: a service that saved a goal, action, decision, the minutes or the agenda calls
  `live_changed` inside its transaction; after the commit a notice with ids only ("goal 7
  changed by Lars") goes to the family's group on the channel layer.
* `push`: for a goal, action or decision, the saving process renders the fragment once per
  audience class (users who see the same people) and open language, and sends it with the
  notice to that class's group.
* `consumers`: one socket per open plan or meeting page. It is admitted like the page
  (`admission`: same session, second factor, idle timeout, membership, meeting access),
  joins its audience class's groups, and forwards a notice only if its user may see the
  item (the person rule); without pushed HTML the page fetches the item's fragment through
  the ordinary access-checked view.
* `reads`: the socket's open is the audited read; the refreshes it causes are not audited
  again while that read covers them.

Polling (networkgroup.presence) stays as the fallback, and the version check
(bi18.lib.versioning) still guards every save.
"""
